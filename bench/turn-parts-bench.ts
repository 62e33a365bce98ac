import { type ChatMeasurement, HOUSE_RATIO_TARGET, measureChatInRounds } from './chat-turn-bench.ts';
import { buildVariant, type OtherBuild } from './other-builds.ts';
import { type ServerBuild, thisCheckout } from './server-process.ts';
import { type BenchSection, median } from './stats.ts';

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);

/** The reader's result kept per text: what a turn costs when reading its text costs nothing (a measurement, never served). */
const readOnce: [string, string][] = [
  [
    'export function understand(text: string, options: UnderstandOptions): Understanding {',
    `const readBefore = new Map<string, Understanding>();
export function understand(text: string, options: UnderstandOptions): Understanding {
  const key = \`\${options.locale}\\n\${text}\`;
  const known = readBefore.get(key);
  if (known) return known;
  const read = understandOnce(text, options);
  readBefore.set(key, read);
  return read;
}
function understandOnce(text: string, options: UnderstandOptions): Understanding {`,
  ],
];
/** hono's cors() on a path no request takes. */
const noCors: [string, string][] = [["    '/api/*',\n    cors({", "    '/no-such-path/*',\n    cors({"]];
/** No checkpoint during the run (SQLite's own stays off): the WAL grows for the benchmark's minute. */
const noCheckpoints: [string, string][] = [['setInterval(checkpoint, CHECKPOINT_EVERY_MS)', 'setInterval(checkpoint, 1e9)']];

/**
 * Where a chat turn's cost goes, measured by taking each part out of the server: the chat benchmark
 * against this checkout's server and against builds without the cost of reading the text (the
 * intent classifier and field extraction of src/understanding, issue #22), without hono's cors(),
 * without WAL checkpoints, and without all three, in interleaved rounds. What #21's ratio would
 * take: the variants are measurements, not candidates (#21 keeps hono's cors and no speed thread).
 */
export async function turnPartsBench(): Promise<BenchSection> {
  const variants: OtherBuild[] = [];
  try {
    variants.push(await buildVariant('without the reading', { 'src/understanding/understand.ts': readOnce }));
    variants.push(await buildVariant('without cors()', { 'src/app.ts': noCors }));
    variants.push(await buildVariant('without checkpoints', { 'adapters/db/open-sqlite.ts': noCheckpoints }));
    variants.push(
      await buildVariant('without all three', {
        'src/understanding/understand.ts': readOnce,
        'src/app.ts': noCors,
        'adapters/db/open-sqlite.ts': noCheckpoints,
      }),
    );
    const builds: ServerBuild[] = [{ ...thisCheckout(), label: 'as served' }, ...variants];
    const runs = await measureChatInRounds(builds, ROUNDS);
    const of = (label: string) => runs.get(label) as ChatMeasurement[];
    const withoutReading = median(of('without the reading').map((m) => m.ratio));
    // Each build's ratio is measured within its own run (turns and /health in alternating rounds), so it
    // is compared across builds; turns/s alone move with whatever else the machine did that minute.
    const describe = (label: string) => {
      const ms = of(label);
      return `${label[0]?.toUpperCase()}${label.slice(1)}: ratio ${ms.map((m) => m.ratio.toFixed(3)).join(', ')} (median ${median(ms.map((m) => m.ratio)).toFixed(3)}); server main thread ${ms.map((m) => (m.turns.cpuUs ?? Number.NaN).toFixed(0)).join(', ')} µs a turn, ${ms.map((m) => (m.health.cpuUs ?? Number.NaN).toFixed(0)).join(', ')} a /health.`;
    };
    return {
      title: "Where a chat turn's cost goes: the chat benchmark with parts taken out",
      target: `the turn without the cost of reading its text (what #21 built, before #22's classifier): ratio ≥ ${HOUSE_RATIO_TARGET}`,
      met: withoutReading >= HOUSE_RATIO_TARGET,
      lines: [
        `The chat benchmark (as its section) against five builds of this checkout, ${ROUNDS} rounds, the order rotated each round: as served; without the reading (src/understanding's result kept per text, so the benchmark's question is read once); without hono's cors() (registered on a path no request takes); without WAL checkpoints (none during the run); without all three. The variants are measurements, never served; they are built by bench/other-builds.ts, which fails if the text it replaces is gone.`,
        ...builds.map((b) => describe(b.label)),
      ],
    };
  } finally {
    for (const variant of variants) variant.remove();
  }
}
