import { readFileSync } from 'node:fs';
import { type ChatMeasurement, measureChatInRounds } from './chat-turn-bench.ts';
import { buildVariant, type OtherBuild } from './other-builds.ts';
import { type ServerBuild, thisCheckout } from './server-process.ts';
import { type BenchSection, median } from './stats.ts';

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
/** The gain a speed mechanism must show to stay (issue #21). */
const GAIN_TARGET = 0.25;

const lines = (file: string) => readFileSync(new URL(`../${file}`, import.meta.url), 'utf8').trimEnd().split('\n').length;

/**
 * The chat turn's two speed mechanisms on better-sqlite3, each measured by taking it out: the chat
 * benchmark against this checkout's server, the server without group commit (each turn its own
 * transaction, statements still prepared once), and the server with neither (the store's own
 * statements through `atomic`, as on D1), in interleaved rounds.
 */
export async function turnWriteBench(): Promise<BenchSection> {
  const withBoth = thisCheckout();
  const variants: OtherBuild[] = [];
  try {
    variants.push(
      await buildVariant('prepared, no group commit', {
        'adapters/db/group-commit.ts': [['  let pending: Pending[] = [];', '  return async (work) => transaction(work);\n  let pending: Pending[] = [];']],
      }),
    );
    variants.push(
      await buildVariant('neither', {
        'adapters/db/drizzle-support-store.ts': [['const writeSqliteTurn = sync ? createSqliteTurnWriter(sync) : null;', 'const writeSqliteTurn = null as ReturnType<typeof createSqliteTurnWriter> | null;']],
      }),
    );
    const builds: ServerBuild[] = [{ ...withBoth, label: 'prepared + group commit (as served)' }, ...variants];
    const runs = await measureChatInRounds(builds, ROUNDS);
    const [both, noGroup, neither] = builds.map((b) => runs.get(b.label) as ChatMeasurement[]) as [ChatMeasurement[], ChatMeasurement[], ChatMeasurement[]];
    // Gains within each round (the same minutes of the machine), then their median.
    const gains = (a: ChatMeasurement[], b: ChatMeasurement[]) =>
      a.map((m, i) => m.turns.requestsPerSecond / (b[i] as ChatMeasurement).turns.requestsPerSecond - 1).sort((x, y) => x - y);
    const groupGain = gains(both, noGroup);
    const preparedGain = gains(noGroup, neither);
    const pct = (v: number) => `${v >= 0 ? '+' : ''}${(v * 100).toFixed(0)} %`;
    const describe = (label: string, ms: ChatMeasurement[]) =>
      `${label}: ${ms.map((m) => m.turns.requestsPerSecond.toFixed(0)).join(', ')} turns/s (ratio ${ms.map((m) => m.ratio.toFixed(3)).join(', ')}; server main thread ${ms.map((m) => (m.turns.cpuUs ?? Number.NaN).toFixed(0)).join(', ')} µs a turn).`;
    return {
      title: "A chat turn's write on better-sqlite3: what each speed mechanism earns",
      target: `each mechanism ≥ ${GAIN_TARGET * 100} % more turns a second with it than without (median of interleaved rounds)`,
      met: median(groupGain) >= GAIN_TARGET && median(preparedGain) >= GAIN_TARGET,
      lines: [
        `The chat benchmark (as its section) against three builds of this checkout, ${ROUNDS} rounds, the order rotated each round: as served; without group commit (adapters/db/group-commit.ts replaced by a transaction per turn; the statements still prepared once); with neither (adapters/db/sqlite-turns.ts unused: the store's own drizzle statements through \`atomic\`, an immediate transaction each, as D1 takes them in one batch). The variants are built by bench/other-builds.ts, which fails if the text it replaces is gone.`,
        describe('As served', both),
        describe('Without group commit', noGroup),
        describe('With neither', neither),
        `Group commit (adapters/db/group-commit.ts, ${lines('adapters/db/group-commit.ts')} lines): ${groupGain.map(pct).join(', ')} turns/s, median ${pct(median(groupGain))}.`,
        `Prepared turn statements (adapters/db/sqlite-turns.ts, ${lines('adapters/db/sqlite-turns.ts')} lines): ${preparedGain.map(pct).join(', ')} turns/s, median ${pct(median(preparedGain))}.`,
      ],
    };
  } finally {
    for (const variant of variants) variant.remove();
  }
}
