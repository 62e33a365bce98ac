import { type ChatMeasurement, chatMethod, measureChat, TURN_RATIO_TARGET } from './chat-turn-bench.ts';
import { buildCommit } from './other-builds.ts';
import { describeLatencies, measureRealistic, P99_TARGET_MS, type RealisticMeasurement, realisticMethod } from './realistic-bench.ts';
import { type ServerBuild, thisCheckout } from './server-process.ts';
import { measureSoak } from './soak-bench.ts';
import { type BenchSection, median } from './stats.ts';

/**
 * The last commit of main before issue #21's work (one path per write, the conversation service in
 * parts, hono as meant, folders by layer): `BENCH_BEFORE` names another.
 */
const BEFORE = process.env.BENCH_BEFORE ?? 'b66e1f5';
/** Runs of each benchmark on each server (the soak alone takes minutes on a busy machine). */
const PAIRS = Number(process.env.BENCH_PAIRS ?? 1);

interface Run {
  chat: ChatMeasurement;
  realistic: RealisticMeasurement;
  peakRssMb: number;
  soakErrors: number;
}

type Builds = readonly [ServerBuild, ServerBuild];

/**
 * Each benchmark on both servers one after the other, the first of the two alternating from one
 * benchmark to the next: both see the same minutes of this shared machine.
 */
async function measurePair([first, second]: Builds, pair: number): Promise<Map<string, Run>> {
  const chat = new Map<string, ChatMeasurement>();
  const realistic = new Map<string, RealisticMeasurement>();
  const soak = new Map<string, { peakRssMb: number; errors: number }>();
  const order = (step: number): Builds => ((pair + step) % 2 === 0 ? [first, second] : [second, first]);
  for (const build of order(0)) {
    const m = await measureChat(build);
    console.log(`  ${build.label}: ${m.turns.requestsPerSecond.toFixed(0)} turns/s, ratio ${m.ratio.toFixed(3)}`);
    chat.set(build.label, m);
  }
  for (const build of order(1)) {
    const m = await measureRealistic(build);
    console.log(`  ${build.label}: realistic turn p99 ${m.turn.p99.toFixed(1)} ms`);
    realistic.set(build.label, m);
  }
  for (const build of order(2)) {
    const m = await measureSoak(build);
    console.log(`  ${build.label}: soak peak RSS ${m.peakRssMb.toFixed(0)} MB`);
    soak.set(build.label, m);
  }
  return new Map(
    [first, second].map((b) => {
      const s = soak.get(b.label) as { peakRssMb: number; errors: number };
      return [b.label, { chat: chat.get(b.label) as ChatMeasurement, realistic: realistic.get(b.label) as RealisticMeasurement, peakRssMb: s.peakRssMb, soakErrors: s.errors }];
    }),
  );
}

function describeRuns(label: string, runs: readonly Run[]): string[] {
  const list = (f: (r: Run) => number, digits: number) => runs.map((r) => f(r).toFixed(digits)).join(', ');
  return [
    `${label}, chat: ${list((r) => r.chat.turns.requestsPerSecond, 0)} turns/s against ${list((r) => r.chat.health.requestsPerSecond, 0)} /health requests/s; ratio ${list((r) => r.chat.ratio, 3)} (server main thread ${list((r) => r.chat.turns.cpuUs ?? Number.NaN, 0)} µs a turn, ${list((r) => r.chat.health.cpuUs ?? Number.NaN, 0)} a /health); closed-loop turn p99 ${list((r) => r.chat.turns.latency.p99, 1)} ms.`,
    ...runs.map((r, i) => `${label}, realistic load, run ${i + 1}: turn ${describeLatencies(r.realistic.turn)}; email p99 ${r.realistic.email.p99.toFixed(1)} ms; Slack p99 ${r.realistic.slack.p99.toFixed(1)} ms; unexpected answers ${r.realistic.errors}${r.realistic.firstError ? ` (first: ${r.realistic.firstError})` : ''}.`),
    `${label}, soak peak RSS: ${list((r) => r.peakRssMb, 0)} MB (soak errors ${runs.reduce((n, r) => n + r.soakErrors, 0)}).`,
  ];
}

/**
 * The chat, realistic and soak benchmarks against the server of the commit before #21 and this
 * checkout's, in interleaved pairs on this machine in one run.
 */
export async function beforeAfterBench(): Promise<BenchSection> {
  const now = thisCheckout();
  const before = buildCommit(BEFORE, `before (${BEFORE})`);
  const runs = new Map<string, Run[]>([
    [before.label, []],
    [now.label, []],
  ]);
  try {
    for (let pair = 0; pair < PAIRS; pair++) {
      for (const [label, run] of await measurePair([before, now], pair)) runs.get(label)?.push(run);
    }
  } finally {
    before.remove();
  }
  const b = runs.get(before.label) as Run[];
  const a = runs.get(now.label) as Run[];
  const med = (rs: Run[], f: (r: Run) => number) => median(rs.map(f));
  const ratio = med(a, (r) => r.chat.ratio);
  const p99 = med(a, (r) => r.realistic.turn.p99);
  return {
    title: `Before and after issue #21, in one run (${BEFORE} against this checkout)`,
    target: `this checkout: ratio ≥ ${TURN_RATIO_TARGET} and realistic turn p99 ≤ ${P99_TARGET_MS} ms (medians of the runs)`,
    met: ratio >= TURN_RATIO_TARGET && p99 <= P99_TARGET_MS,
    lines: [
      `Each benchmark run on both servers one after the other (${PAIRS === 1 ? 'once each' : `${PAIRS} times each`}), which goes first alternating from one benchmark to the next, on this shared machine (other work ran on its 2 cores meanwhile: compare before with now, not with other sections). "Before" is commit ${BEFORE}, built in a temporary \`git worktree\` by its own prestart and run with its own \`npm start\` arguments (${before.args.slice(0, -1).join(' ') || 'no flags'}); "now" is \`node dist/server/node.mjs\`. Each run: the chat benchmark (${chatMethod}), the realistic load (${realisticMethod}), the soak (as its section).`,
      `Medians: turns/s ${med(b, (r) => r.chat.turns.requestsPerSecond).toFixed(0)} → ${med(a, (r) => r.chat.turns.requestsPerSecond).toFixed(0)}; ratio ${med(b, (r) => r.chat.ratio).toFixed(3)} → ${ratio.toFixed(3)}; realistic turn p99 ${med(b, (r) => r.realistic.turn.p99).toFixed(1)} → ${p99.toFixed(1)} ms; soak peak RSS ${med(b, (r) => r.peakRssMb).toFixed(0)} → ${med(a, (r) => r.peakRssMb).toFixed(0)} MB.`,
      ...describeRuns('Before', b),
      ...describeRuns('Now', a),
    ],
  };
}
