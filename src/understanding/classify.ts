import { NeuralNetwork } from '@nlpjs/neural';
import { SpellCheck } from '@nlpjs/similarity';
import { type Direction, directionOf, lookupHits } from './direction.ts';
import type { IntentModel } from './intent-model.ts';
import { type Intent, isIntent } from './intents.ts';
import type { LocalePack } from './locales/locale-pack.ts';
import { baseStem, featuresOf, type Prepared, prepareText } from './prepare-text.ts';

/** An intent and how sure the classifier is of it (0–1, the scores of all intents add up to 1). */
export interface Candidate {
  intent: Intent;
  score: number;
}

export interface Classification {
  /** The reading, or null below the threshold, for unknown words, or when cue words contradict it. */
  intent: Intent | null;
  /** The top candidate's score (after any contradiction lowered it). */
  confidence: number;
  /** The best candidates, best first (at most three, scores above 1 %). */
  candidates: Candidate[];
  /** Why a reading was withheld, if one was. */
  withheld: 'below_threshold' | 'contradicted' | 'no_reading' | null;
  direction: Direction;
}

/**
 * The confidence below which a reading is not acted on: the flow confirms it in one line with
 * buttons instead. Chosen on cross-validation folds of the training corpus, not on the eval sets.
 */
export const CONFIDENCE_THRESHOLD = 0.6;
/** How much a contradicted reading keeps of its score: always below the threshold. */
const CONTRADICTED = 0.5;
/** How much a reading keeps when its message has cues both ways: it must be clearer to be acted on. */
const MIXED = 0.75;

/** Which side of each costly question an intent stands on, and which direction counts. */
const sides: Partial<Record<Intent, readonly ['outcome' | 'sending' | 'answer', 1 | -1]>> = {
  worked: ['outcome', 1],
  still_failing: ['outcome', -1],
  send: ['sending', 1],
  dont_send: ['sending', -1],
  yes: ['answer', 1],
  no: ['answer', -1],
};

/** A loaded model: NLP.js's network, ready to run, and the vocabulary typos are corrected to. */
export class IntentClassifier {
  private readonly network = new NeuralNetwork();
  private readonly spelling: SpellCheck;
  private readonly known: ReadonlySet<string>;
  private readonly intentFeatures: ReadonlyMap<string, ReadonlySet<string>>;
  /** NLP.js's weighting of unknown words toward "no intent". */
  private readonly noneDelta: number;

  constructor(
    model: IntentModel,
    private readonly pack: LocalePack,
  ) {
    this.network.fromJSON(model.network);
    const stems: Record<string, number> = {};
    for (const feature of model.network.features) if (baseStem(feature)) stems[baseStem(feature)] = 1;
    this.known = new Set(model.network.features);
    const { features } = model.network;
    this.intentFeatures = new Map(Object.entries(model.intentFeatures).map(([intent, ids]) => [intent, new Set(ids.map((i) => features[i] ?? ''))]));
    // Five letters at least: at four, real words are one edit apart ("word" is not "work").
    this.spelling = new SpellCheck({ features: stems, minLength: 5 });
    this.noneDelta = model.network.intents.length / model.network.features.length;
  }

  /** Corrects unknown stems to a known one within one edit ("faild" → "fail", "refnd" → "refund"). */
  private spellChecked(prepared: Prepared): Prepared {
    return {
      ...prepared,
      tokens: prepared.tokens.map((t) => (this.known.has(t.stem) || t.stem.startsWith('emoji_') ? t : { ...t, stem: this.spelling.checkToken(t.stem, 1) })),
    };
  }

  classify(text: string): Classification {
    const prepared = this.spellChecked(prepareText(text, this.pack));
    const hits = lookupHits(prepared.tokens, this.pack);
    const direction = directionOf(prepared, this.pack, hits);
    const features = featuresOf(prepared, this.pack, hits);
    const input: Record<string, number> = {};
    let unknown = 0;
    for (const feature of Object.keys(features)) {
      if (this.known.has(feature)) input[feature] = 1;
      else unknown++;
    }
    // As NLP.js's NLU: each unknown word weighs more toward "None".
    let none = 0;
    for (let i = 0, delta = this.noneDelta; i < unknown; i++, delta *= 1.2) none += delta;
    if (none > 0) input.nonefeature = none;

    const raw = Object.keys(input).length > 0 ? { ...this.network.run(input) } : {};
    // As NLP.js's NLU: an intent that shares no feature with the message is not a reading of it.
    const given = Object.keys(input);
    for (const intent of Object.keys(raw)) {
      const own = this.intentFeatures.get(intent);
      if (own && !given.some((f) => own.has(f))) raw[intent] = 0;
    }
    // As NLP.js normalizes: squared scores, summing to one.
    let total = 0;
    for (const score of Object.values(raw)) total += score * score;
    const ranked = Object.entries(raw)
      .map(([intent, score]) => ({ intent, score: total > 0 ? (score * score) / total : 0 }))
      .sort((a, b) => b.score - a.score);
    const candidates = ranked.filter((c): c is Candidate => isIntent(c.intent) && c.score >= 0.01).slice(0, 3);
    const top = ranked[0];
    if (!top || !isIntent(top.intent) || top.score === 0) {
      return { intent: null, confidence: 0, candidates, withheld: 'no_reading', direction };
    }
    const side = sides[top.intent];
    const lowered = (confidence: number) => candidates.map((c) => (c.intent === top.intent ? { ...c, score: confidence } : c));
    if (side && direction[side[0]] * side[1] < 0) {
      const confidence = top.score * CONTRADICTED;
      return { intent: null, confidence, candidates: lowered(confidence), withheld: 'contradicted', direction };
    }
    const confidence = side && direction.mixed.includes(side[0]) ? top.score * MIXED : top.score;
    if (confidence < CONFIDENCE_THRESHOLD) return { intent: null, confidence, candidates: lowered(confidence), withheld: 'below_threshold', direction };
    return { intent: top.intent, confidence, candidates: lowered(confidence), withheld: null, direction };
  }
}
