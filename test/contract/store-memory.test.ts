import { createMemoryStore } from '../../src/store/memory/index.ts';
import { storeContract } from './store.contract.ts';

storeContract('memory', async () => createMemoryStore());
