/** An element with attributes and children; `on*` functions become event listeners. */
export function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attrs: Record<string, string | boolean | ((event: Event) => void)> = {},
  ...children: (Node | string)[]
): HTMLElementTagNameMap[K] {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) {
    if (typeof value === 'function') element.addEventListener(name.slice(2), value);
    else if (value === true) element.setAttribute(name, '');
    else if (value !== false) element.setAttribute(name, value);
  }
  element.append(...children);
  return element;
}

const STUDIOS: Record<string, string> = { image: 'Image Studio', video: 'Video Studio', music: 'Music Studio', storyboard: 'Storyboard' };

/** A studio's name as the studios show it. */
export const studioName = (studio: string) => STUDIOS[studio] ?? studio;

/** What support still needs, in words of the user's language. */
export const missingText = (fields: readonly string[], words: Record<string, string>) => fields.map((f) => words[f] ?? f).join(', ');

/** A time in the user's own zone, short, written the way their language writes it. */
export function shortTime(iso: string, timeZone: string | null, locale: string): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  const format = (zone: string | undefined) =>
    date.toLocaleString(locale, { dateStyle: 'medium', timeStyle: 'short', ...(zone && { timeZone: zone }) });
  try {
    return format(timeZone ?? undefined);
  } catch {
    return format(undefined);
  }
}
