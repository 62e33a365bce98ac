import { model as de } from '../../knowledge/nlu/de/model.generated.ts';
import { model as en } from '../../knowledge/nlu/en/model.generated.ts';
import { model as es } from '../../knowledge/nlu/es/model.generated.ts';
import { model as fr } from '../../knowledge/nlu/fr/model.generated.ts';
import { model as pt } from '../../knowledge/nlu/pt/model.generated.ts';
import type { IntentModel } from './intent-model.ts';

/** The trained models, built by `npm run nlu:train`; loading one is reading its weights, no training. */
export const models: Readonly<Record<string, IntentModel>> = { en, fr, es, de, pt };
