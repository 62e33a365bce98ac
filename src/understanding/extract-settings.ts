const RESOLUTION = /\b(8k|4k|2k|2160p|1440p|1080p|720p|480p)\b/i;
const DIMENSIONS = /\b(\d{3,4})\s?[x×]\s?(\d{3,4})\b/;
import type { LocalePack } from './locales/locale-pack.ts';
import { own } from '../core/own.ts';

/**
 * The generation settings the text states, in the platform's keys (platform-data.md):
 * `resolution` ("4k", "1080p", "1024x1024"), `referenceImages` (a count), `durationSeconds`;
 * the words for the last two are the locale's.
 * Null when it states none.
 */
export function extractSettings(text: string, pack: LocalePack): Record<string, unknown> | null {
  const words = pack.fields.settings;
  const settings: Record<string, unknown> = {};
  const resolution = RESOLUTION.exec(text)?.[1];
  const dimensions = DIMENSIONS.exec(text);
  if (resolution) settings.resolution = resolution.toLowerCase();
  else if (dimensions) settings.resolution = `${dimensions[1]}x${dimensions[2]}`;

  const references = words.references.exec(text)?.[1] ?? words.referencesLabel.exec(text)?.[1];
  if (references !== undefined) settings.referenceImages = own(words.numbers, references.toLowerCase()) ?? Number(references);

  const duration = words.duration.exec(text);
  const seconds = duration?.[1] ?? duration?.[2];
  if (seconds !== undefined) settings.durationSeconds = Number(seconds);
  return Object.keys(settings).length > 0 ? settings : null;
}
