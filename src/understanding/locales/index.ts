import { en } from './en.ts';
import type { LocalePack } from './locale-pack.ts';

/** The languages the module reads; each has its corpus and model under `knowledge/nlu/<locale>/`. */
export const localePacks: Readonly<Record<string, LocalePack>> = { en };

/** The language read when none is given and none can be told apart. */
export const defaultLocale = 'en';
