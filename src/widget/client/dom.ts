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

const MISSING: Record<string, string> = { accountEmail: 'your account email', studio: 'the studio', prompt: 'the prompt', timestamp: 'when it happened' };

/** What support still needs, in words. */
export const missingText = (fields: readonly string[]) => fields.map((f) => MISSING[f] ?? f).join(', ');

/** A time in the user's own zone, short. */
export function shortTime(iso: string, timeZone: string | null): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  const format = (zone: string | undefined) =>
    date.toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short', ...(zone && { timeZone: zone }) });
  try {
    return format(timeZone ?? undefined);
  } catch {
    return format(undefined);
  }
}
