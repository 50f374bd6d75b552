#!/usr/bin/env node
// The `dialerd` executable: dist/cli/dialerd.js after `npm run build` (package.json `bin`).
import { main } from './main.ts';

process.exitCode = await main(process.argv.slice(2));
