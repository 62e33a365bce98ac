import { de } from './de.ts';
import { en } from './en.ts';
import { es } from './es.ts';
import { fr } from './fr.ts';
import type { LocalePack } from './locale-pack.ts';
import { pt } from './pt.ts';

/** The languages the module reads; each has its corpus and model under `knowledge/nlu/<locale>/`. */
export const localePacks: Readonly<Record<string, LocalePack>> = { en, fr, es, de, pt };

/** The language read when none is given and none can be told apart. */
export const defaultLocale = 'en';
