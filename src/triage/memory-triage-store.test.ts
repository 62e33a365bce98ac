import { triageStoreContract } from '../../test/slack/triage-store-contract.ts';
import { createMemoryTriageStore } from './memory-triage-store.ts';

triageStoreContract('in memory', async () => ({ store: createMemoryTriageStore() }));
