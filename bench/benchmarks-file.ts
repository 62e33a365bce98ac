/**
 * BENCHMARKS.md is written by `npm run bench` only in part: each benchmark owns the section after
 * its mark (`<!-- bench: NAME -->`), up to the next mark or `## ` heading; everything else (the
 * preamble, sections written by other commands such as `npm run eval`) is kept as it stands.
 */

const MARK = /^<!-- bench: ([\w-]+) -->$/;

type Chunk = { bench: string; text: string } | { bench: null; text: string };

/** The file cut into the benchmarks' sections and the text between them, in order. */
function chunks(file: string): Chunk[] {
  const out: Chunk[] = [];
  let current: Chunk = { bench: null, text: '' };
  let headingSeen = false;
  for (const line of file.split('\n')) {
    const mark = MARK.exec(line);
    // A section ends at the next mark, or at a heading of its level after its own title.
    const ends = mark !== null || (current.bench !== null && line.startsWith('## ') && headingSeen);
    if (ends) {
      out.push(current);
      current = mark ? { bench: mark[1] as string, text: '' } : { bench: null, text: '' };
      headingSeen = false;
      if (mark) continue;
    }
    if (line.startsWith('## ')) headingSeen = true;
    current.text += `${line}\n`;
  }
  out.push(current);
  return out.filter((c) => c.bench !== null || c.text !== '');
}

/**
 * The file with the sections just measured (`fresh`, by benchmark name) in place of their old text;
 * a section new to the file goes after the one before it in `order` (or before the first one after it).
 * `existing` null: a new file with `preamble`.
 */
export function updateBenchmarksFile(existing: string | null, preamble: string, order: readonly string[], fresh: ReadonlyMap<string, string>): string {
  const parts = existing === null ? [{ bench: null, text: `${preamble.trimEnd()}\n\n` }] : chunks(existing);
  const section = (bench: string, text: string): Chunk => ({ bench, text: `${text.trimEnd()}\n\n` });
  for (const [name, text] of fresh) {
    const at = parts.findIndex((c) => c.bench === name);
    if (at >= 0) {
      parts[at] = section(name, text);
      continue;
    }
    const rank = order.indexOf(name);
    const before = parts.findLastIndex((c) => c.bench !== null && order.indexOf(c.bench) < rank);
    const after = parts.findIndex((c) => c.bench !== null && order.indexOf(c.bench) > rank);
    const index = before >= 0 ? before + 1 : after >= 0 ? after : parts.length;
    parts.splice(index, 0, section(name, text));
  }
  const body = parts.map((c) => (c.bench === null ? c.text : `<!-- bench: ${c.bench} -->\n${c.text}`)).join('');
  return `${body.trimEnd()}\n`;
}
