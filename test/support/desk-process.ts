import { type ChildProcess, spawn } from 'node:child_process';
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

/** `npm start` running as a child process. */
export interface DeskProcess {
  child: ChildProcess;
  url: string;
  output(): string;
  /** Resolves when the process has ended. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/**
 * Starts `tsx src/node.ts` (what `npm start` runs) in its own process group on 127.0.0.1 and waits
 * until it says it is listening. Integration settings of the caller's shell are dropped.
 */
export function startDeskProcess(env: Record<string, string>, children: Set<ChildProcess>): Promise<DeskProcess> {
  const childEnv: NodeJS.ProcessEnv = { ...process.env, HOST: '127.0.0.1', ...env };
  for (const key of ['PLATFORM_API_URL', 'PLATFORM_API_TOKEN', 'SLACK_TRIAGE_CHANNEL', 'SLACK_BOT_TOKEN', 'SLACK_SIGNING_SECRET', 'SUPPORT_INBOX', 'SMTP_URL', 'INBOUND_EMAIL_SECRET']) {
    if (!(key in env)) delete childEnv[key];
  }
  const child = spawn(join(root, 'node_modules/.bin/tsx'), ['src/node.ts'], {
    cwd: root,
    env: childEnv,
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  children.add(child);
  let output = '';
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.on('exit', (code, signal) => {
      children.delete(child);
      resolve({ code, signal });
    }),
  );
  return new Promise((resolve, reject) => {
    const onData = (chunk: string) => {
      output += chunk;
      const port = /listening on http:\/\/localhost:(\d+)/.exec(output)?.[1];
      if (port) resolve({ child, url: `http://127.0.0.1:${port}`, output: () => output, exited });
    };
    child.stdout?.setEncoding('utf8').on('data', onData);
    child.stderr?.setEncoding('utf8').on('data', (s: string) => (output += s));
    child.on('error', reject);
    void exited.then(({ code, signal }) => reject(new Error(`the desk ended (${code ?? signal}) before listening:\n${output}`)));
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

/** Settings of the caller's shell that would point the desk elsewhere: dropped unless the test sets them. */
const POINTING_ELSEWHERE = ['SUPPORT_DB_PATH', 'PLATFORM_API_URL', 'PLATFORM_API_TOKEN', 'HOST', 'SLACK_TRIAGE_CHANNEL', 'SUPPORT_INBOX'];

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

/** `npm run cli -- …` for real: `tsx src/cli/main.ts` (what the npm script runs) of the checkout at `cwd` (this one). */
export function runCliProcess(
  args: string[],
  children: Set<ChildProcess>,
  options: { env?: Record<string, string>; cwd?: string } = {},
): Promise<CliProcessRun> {
  return runProcess(join(root, 'node_modules/.bin/tsx'), ['src/cli/main.ts', ...args], children, options);
}
