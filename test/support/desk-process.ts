import { type ChildProcess, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../..', import.meta.url));

/** A port free right now on 127.0.0.1: a temporary server takes one from the OS and lets it go. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => (port > 0 ? resolve(port) : reject(new Error('no port'))));
    });
  });
}

/**
 * The arguments `npm start` gives Node (package.json: `node dist/server/node.mjs`, with any flags), so
 * that tests and benchmarks run the server as it runs: one process, the compiled server. `checkout`:
 * another checkout's (the benchmarks' before/after). Its `prestart` compiles the server: the tests'
 * global setup and the benchmarks do that first.
 */
export function npmStartArgs(checkout = root): string[] {
  const pkg = JSON.parse(readFileSync(join(checkout, 'package.json'), 'utf8')) as { scripts: { start: string } };
  const [command, ...args] = pkg.scripts.start.trim().split(/\s+/);
  if (command !== 'node') throw new Error(`npm start is expected to run node, not ${command}`);
  return args;
}

/** `npm start` running as a child process. */
export interface DeskProcess {
  child: ChildProcess;
  url: string;
  port: number;
  /** All it printed (stdout and stderr as they came). */
  output(): string;
  stdout(): string;
  stderr(): string;
  /** Resolves when the process has ended. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** Settings of the caller's shell that would point the desk elsewhere: dropped unless the test sets them. */
const POINTING_ELSEWHERE = ['SUPPORT_DB_PATH', 'PLATFORM_API_URL', 'PLATFORM_API_TOKEN', 'HOST', 'SLACK_TRIAGE_CHANNEL', 'SUPPORT_INBOX'];
/** Integrations a desk process starts without unless the test sets them. */
const INTEGRATIONS = ['SLACK_BOT_TOKEN', 'SLACK_SIGNING_SECRET', 'SMTP_URL', 'INBOUND_EMAIL_SECRET'];

/**
 * Starts what `npm start` runs (`npmStartArgs`) in its own process group and waits until it
 * says it is listening (and, with `ready`, until its output matches that too); with `throughNpm`,
 * `npm start` itself. The caller's shell settings that point the desk elsewhere or plug in
 * integrations are dropped unless `env` sets them; HOST is 127.0.0.1 unless `env` says otherwise
 * (`HOST: ''` leaves the default).
 */
export function startDeskProcess(
  env: Record<string, string>,
  children: Set<ChildProcess>,
  options: { ready?: RegExp; throughNpm?: boolean } = {},
): Promise<DeskProcess> {
  const childEnv: NodeJS.ProcessEnv = { ...process.env, HOST: '127.0.0.1' };
  for (const key of [...POINTING_ELSEWHERE, ...INTEGRATIONS]) if (key !== 'HOST') delete childEnv[key];
  Object.assign(childEnv, env);
  if (childEnv.HOST === '') delete childEnv.HOST;
  // `throughNpm`: the real `npm start`, its prestart included (npm's own lines go to the output too).
  const [command, args] = options.throughNpm ? ['npm', ['start']] : [process.execPath, npmStartArgs()];
  const child = spawn(command, args, {
    cwd: root,
    env: childEnv,
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  children.add(child);
  let output = '';
  let stdout = '';
  let stderr = '';
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.on('exit', (code, signal) => {
      children.delete(child);
      resolve({ code, signal });
    }),
  );
  return new Promise((resolve, reject) => {
    const check = () => {
      const port = /listening on http:\/\/localhost:(\d+)/.exec(stdout)?.[1];
      if (!port || (options.ready && !options.ready.test(stdout))) return;
      resolve({ child, url: `http://127.0.0.1:${port}`, port: Number(port), output: () => output, stdout: () => stdout, stderr: () => stderr, exited });
    };
    child.stdout?.setEncoding('utf8').on('data', (chunk: string) => {
      output += chunk;
      stdout += chunk;
      check();
    });
    child.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
      output += chunk;
      stderr += chunk;
    });
    child.on('error', reject);
    void exited.then(({ code, signal }) => reject(new Error(`npm start ended (${code ?? signal}) before listening:\n${output}`)));
  });
}

/** Kills what is left of the children (their whole process groups). */
export function killAll(children: Set<ChildProcess>): void {
  for (const child of children) {
    try {
      if (child.pid !== undefined && child.exitCode === null && child.signalCode === null) process.kill(-child.pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
  children.clear();
}

/** What a CLI process printed and how it ended. */
export interface CliProcessRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

/**
 * A command (`npm`, `tsx`…) run to its end in its own process group, from the repository (or `cwd`),
 * with the caller's environment minus what points the desk elsewhere, plus `env`.
 */
export function runProcess(
  command: string,
  args: string[],
  children: Set<ChildProcess>,
  options: { env?: Record<string, string>; cwd?: string } = {},
): Promise<CliProcessRun> {
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const key of POINTING_ELSEWHERE) delete env[key];
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: options.cwd ?? root, env: { ...env, ...options.env }, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
    children.add(child);
    let stdout = '';
    let stderr = '';
    child.stdout?.setEncoding('utf8').on('data', (s: string) => (stdout += s));
    child.stderr?.setEncoding('utf8').on('data', (s: string) => (stderr += s));
    child.on('error', reject);
    child.on('close', (code) => {
      children.delete(child);
      resolve({ code, stdout, stderr });
    });
  });
}

/** `npm run cli -- …` for real: `tsx adapters/node/cli/main.ts` (what the npm script runs) of the checkout at `cwd` (this one). */
export function runCliProcess(
  args: string[],
  children: Set<ChildProcess>,
  options: { env?: Record<string, string>; cwd?: string } = {},
): Promise<CliProcessRun> {
  return runProcess(join(root, 'node_modules/.bin/tsx'), ['adapters/node/cli/main.ts', ...args], children, options);
}
