import { NeuralNetwork, type NeuralNetworkJson, type TrainingItem } from '@nlpjs/neural';
import type { Intent } from './intents.ts';
import type { LocalePack } from './locales/locale-pack.ts';
import { featuresOf, prepareText } from './prepare-text.ts';

export interface LabelledUtterance {
  text: string;
  /** `None`: details only, no intent (NLP.js's name for it). */
  intent: Intent | 'None';
}

/** Significant digits kept of each weight: the model file stays small and reads the same everywhere. */
const DIGITS = 4;

/**
 * Trains NLP.js's neural network on labelled utterances, the way its NLU does (one perceptron per
 * intent over bag-of-stem features, a `None` output for unknown words) but over our features,
 * which carry negation. Deterministic: same corpus, same weights.
 */
export function trainNetwork(
  corpus: readonly LabelledUtterance[],
  pack: LocalePack,
): { network: NeuralNetworkJson; intentFeatures: Record<string, number[]> } {
  const items: TrainingItem[] = corpus.map((u) => ({
    input: featuresOf(prepareText(u.text, pack), pack),
    output: { [u.intent]: 1 },
  }));
  // NLP.js's "none feature" (last, as its network expects): a message of unknown words is no intent.
  items.push({ input: { nonefeature: 1 }, output: { None: 1 } });
  const network = new NeuralNetwork({ log: false });
  network.train(items);
  const json = network.toJSON();
  const index = new Map(json.features.map((f, i) => [f, i]));
  const intentFeatures: Record<string, number[]> = {};
  for (const [i, u] of corpus.entries()) {
    const seen = new Set(intentFeatures[u.intent]);
    for (const f of Object.keys(items[i]?.input ?? {})) seen.add(index.get(f) ?? -1);
    seen.delete(-1);
    intentFeatures[u.intent] = [...seen].sort((a, b) => a - b);
  }
  return {
    network: { ...json, perceptrons: json.perceptrons.map((weights) => weights.map((w) => Number(w.toPrecision(DIGITS)))) },
    intentFeatures,
  };
}
