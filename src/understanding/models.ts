import { model as en } from '../../knowledge/nlu/en/model.generated.ts';
import type { IntentModel } from './intent-model.ts';

/** The trained models, built by `npm run nlu:train`; loading one is reading its weights, no training. */
export const models: Readonly<Record<string, IntentModel>> = { en };
