#!/usr/bin/env node
// Development entry point (`npm start`, `npm run schema`): runs the TypeScript sources through
// tsx. Production runs the compiled dist/cli/dialerd.js instead (`npm run build`).
import { register } from 'tsx/esm/api';
register();
await import('./dialerd.ts');
