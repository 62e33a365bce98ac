/** The parts of NLP.js this module uses; the packages ship no types of their own. */

declare module '@nlpjs/neural' {
  export interface NeuralNetworkJson {
    settings: Record<string, unknown>;
    features: string[];
    intents: string[];
    perceptrons: number[][];
  }
  export interface TrainingItem {
    input: Record<string, number>;
    output: Record<string, number>;
  }
  export class NeuralNetwork {
    constructor(settings?: { log?: boolean; iterations?: number; errorThresh?: number; deltaErrorThresh?: number });
    train(corpus: TrainingItem[]): { error: number; iterations: number };
    run(input: Record<string, number>): Record<string, number> | undefined;
    toJSON(): NeuralNetworkJson;
    fromJSON(json: NeuralNetworkJson): void;
  }
}

declare module '@nlpjs/similarity' {
  export class SpellCheck {
    constructor(settings: { features: Record<string, number>; minLength?: number });
    checkToken(token: string, distance: number): string;
  }
}

declare module '@nlpjs/lang-en-min' {
  export class NormalizerEn {
    normalize(text: string): string;
  }
  export class StemmerEn {
    stem(tokens: string[]): string[];
  }
  /** Registers the English trigram model with the `Language` the container hands out. */
  export function registerTrigrams(container: { get(name: string): unknown }): void;
}

declare module '@nlpjs/language-min' {
  export class Language {
    guess(utterance: string, allowList?: string[], limit?: number): Array<{ alpha2: string; alpha3: string; language: string; score: number }>;
    addModel(script: string, name: string, trigrams: string): void;
  }
}
