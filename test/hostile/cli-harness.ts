import type { ChildProcess } from 'node:child_process';
import { killAll, runCliProcess } from '../support/desk-process.ts';
import { runCli } from '../../adapters/node/cli/main.ts';

/** What a CLI run printed and how it ended. */
export interface CliRun {
  code: number;
  out: string;
  err: string;
}

/** A line of a JavaScript stack trace: never to be shown to whoever runs the CLI. */
export const STACK_LINE = /^\s+at .+[(:]\d+/m;
/** The first line of the CLI's usage text (printed with every exit 2). */
export const USAGE_LINE = 'usage: npm run cli -- <command> [options]';

/** The CLI in process, through its entry `runCli`, with these arguments and environment. */
export async function cliInProcess(argv: string[], env: Record<string, string | undefined>): Promise<CliRun> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runCli(argv, { out: (s) => out.push(s), err: (s) => err.push(s), env });
  return { code, out: out.join('\n'), err: err.join('\n') };
}

const running = new Set<ChildProcess>();

/**
 * `npm run cli -- …` for real: `tsx adapters/node/cli/main.ts` started as its own process (as the npm script
 * does), with the user's environment minus what would point it elsewhere, plus `env`.
 */
export async function cliProcess(argv: string[], env: Record<string, string> = {}): Promise<CliRun> {
  const run = await runCliProcess(argv, running, { env });
  return { code: run.code ?? -1, out: run.stdout, err: run.stderr };
}

/** Ends the CLI processes still running (a test that failed half-way). */
export function killCliProcesses(): void {
  killAll(running);
}
