import type { NeuralNetworkJson } from '@nlpjs/neural';

/**
 * A trained intent model as `npm run nlu:train` writes it (knowledge/nlu/<locale>/model.generated.ts):
 * NLP.js's neural network, with the digest of the corpus it was trained on so `npm run nlu:check`
 * can tell a stale model.
 */
export interface IntentModel {
  locale: string;
  /** SHA-256 of the corpus and of the feature code's version, hex. */
  corpusDigest: string;
  utterances: number;
  network: NeuralNetworkJson;
  /** Per intent, the indices (into `network.features`) of the features its utterances have: an intent none of whose features a message has is not a reading of it (as NLP.js's NLU filters). */
  intentFeatures: Record<string, number[]>;
}

/** Bumped whenever `prepareText`/`featuresOf` change what a sentence becomes: the models must be retrained. */
export const FEATURES_VERSION = 1;
