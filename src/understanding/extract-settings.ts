const RESOLUTION = /\b(8k|4k|2k|2160p|1440p|1080p|720p|480p)\b/i;
const DIMENSIONS = /\b(\d{3,4})\s?[x×]\s?(\d{3,4})\b/;
const REFERENCES = /\b(\d{1,2}|no|a|an|one|two|three|four|five|six)\s+reference\s+(?:images?|photos?|pictures?)\b/i;
const REFERENCES_LABEL = /\breference (?:images?|photos?)\s*[:=]\s*(\d{1,2})\b/i;
const DURATION = /\b(\d{1,3})[-\s]?(?:seconds?|secs?|s)[-\s](?:long\b|video|clip|song|track|animation)|\bduration\D{0,12}?(\d{1,3})\s?(?:seconds?|secs?|s)\b/i;

const WORDS: Record<string, number> = { no: 0, a: 1, an: 1, one: 1, two: 2, three: 3, four: 4, five: 5, six: 6 };

/**
 * The generation settings the text states, in the platform's keys (platform-data.md):
 * `resolution` ("4k", "1080p", "1024x1024"), `referenceImages` (a count), `durationSeconds`.
 * Null when it states none.
 */
export function extractSettings(text: string): Record<string, unknown> | null {
  const settings: Record<string, unknown> = {};
  const resolution = RESOLUTION.exec(text)?.[1];
  const dimensions = DIMENSIONS.exec(text);
  if (resolution) settings.resolution = resolution.toLowerCase();
  else if (dimensions) settings.resolution = `${dimensions[1]}x${dimensions[2]}`;

  const references = REFERENCES.exec(text)?.[1] ?? REFERENCES_LABEL.exec(text)?.[1];
  if (references !== undefined) settings.referenceImages = WORDS[references.toLowerCase()] ?? Number(references);

  const duration = DURATION.exec(text);
  const seconds = duration?.[1] ?? duration?.[2];
  if (seconds !== undefined) settings.durationSeconds = Number(seconds);
  return Object.keys(settings).length > 0 ? settings : null;
}
