/** A time as staff read it: UTC, and in the user's zone when it is known (as the Slack message shows it). */
export function formatWhen(at: string | number, timezone?: string | null): string {
  const date = new Date(at);
  if (Number.isNaN(date.getTime())) return String(at);
  const utc = `${date.toISOString().slice(0, 16).replace('T', ' ')} UTC`;
  if (!timezone || timezone === 'UTC') return utc;
  try {
    const local = new Intl.DateTimeFormat('en-GB', { timeZone: timezone, dateStyle: 'medium', timeStyle: 'short' }).format(date);
    return `${utc} · ${local} ${timezone}`;
  } catch {
    return utc;
  }
}

/** How long ago, in the largest whole unit: `4 min`, `3 h`, `2 d`. */
export function formatAge(at: string | number, now: number): string {
  const ms = Math.max(0, now - new Date(at).getTime());
  const min = Math.floor(ms / 60_000);
  if (min < 60) return `${min} min`;
  const hours = Math.floor(min / 60);
  if (hours < 48) return `${hours} h`;
  return `${Math.floor(hours / 24)} d`;
}
