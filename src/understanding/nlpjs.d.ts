/** The parts of NLP.js this module uses; the packages ship no types of their own. The other languages' are read file by file: their index brings sentiment data we do not use. */

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

declare module '@nlpjs/lang-fr/src/normalizer-fr.js' {
  export default class NormalizerFr {
    normalize(text: string): string;
  }
}
declare module '@nlpjs/lang-fr/src/stemmer-fr.js' {
  export default class StemmerFr {
    stem(tokens: string[]): string[];
  }
}
declare module '@nlpjs/lang-fr/src/trigrams.js' {
  /** Registers the language's trigram model with the `Language` the container hands out. */
  export default function registerTrigrams(container: { get(name: string): unknown }): void;
}

declare module '@nlpjs/lang-es/src/normalizer-es.js' {
  export default class NormalizerEs {
    normalize(text: string): string;
  }
}
declare module '@nlpjs/lang-es/src/stemmer-es.js' {
  export default class StemmerEs {
    stem(tokens: string[]): string[];
  }
}
declare module '@nlpjs/lang-es/src/trigrams.js' {
  /** Registers the language's trigram model with the `Language` the container hands out. */
  export default function registerTrigrams(container: { get(name: string): unknown }): void;
}

declare module '@nlpjs/lang-de/src/normalizer-de.js' {
  export default class NormalizerDe {
    normalize(text: string): string;
  }
}
declare module '@nlpjs/lang-de/src/stemmer-de.js' {
  export default class StemmerDe {
    stem(tokens: string[]): string[];
  }
}
declare module '@nlpjs/lang-de/src/trigrams.js' {
  /** Registers the language's trigram model with the `Language` the container hands out. */
  export default function registerTrigrams(container: { get(name: string): unknown }): void;
}

declare module '@nlpjs/lang-pt/src/normalizer-pt.js' {
  export default class NormalizerPt {
    normalize(text: string): string;
  }
}
declare module '@nlpjs/lang-pt/src/stemmer-pt.js' {
  export default class StemmerPt {
    stem(tokens: string[]): string[];
  }
}
declare module '@nlpjs/lang-pt/src/trigrams.js' {
  /** Registers the language's trigram model with the `Language` the container hands out. */
  export default function registerTrigrams(container: { get(name: string): unknown }): void;
}
