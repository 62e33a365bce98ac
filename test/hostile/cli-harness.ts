import { type ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runCli } from '../../src/cli/main.ts';

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

const root = fileURLToPath(new URL('../..', import.meta.url));
const running = new Set<ChildProcess>();

/**
 * `npm run cli -- …` for real: `tsx src/cli/main.ts` started as its own process (as the npm script
 * does), with the user's environment minus what would point it elsewhere, plus `env`.
 */
export function cliProcess(argv: string[], env: Record<string, string> = {}): Promise<CliRun> {
  const base = { ...process.env };
  delete base.SUPPORT_DB_PATH;
  delete base.PLATFORM_API_URL;
  delete base.PLATFORM_API_TOKEN;
  return new Promise((resolve, reject) => {
    const child = spawn(join(root, 'node_modules/.bin/tsx'), ['src/cli/main.ts', ...argv], { cwd: root, env: { ...base, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    running.add(child);
    let out = '';
    let err = '';
    child.stdout.setEncoding('utf8').on('data', (s: string) => (out += s));
    child.stderr.setEncoding('utf8').on('data', (s: string) => (err += s));
    child.on('error', reject);
    child.on('close', (code) => {
      running.delete(child);
      resolve({ code: code ?? -1, out, err });
    });
  });
}

/** Ends the CLI processes still running (a test that failed half-way). */
export function killCliProcesses(): void {
  for (const child of running) child.kill('SIGKILL');
  running.clear();
}
