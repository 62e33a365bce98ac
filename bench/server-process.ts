import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { npmStartArgs } from '../test/support/desk-process.ts';

/** A server to run: Node's arguments (npm start's) from a checkout's folder. */
export interface ServerBuild {
  label: string;
  cwd: string;
  args: string[];
}

/** What `npm start` runs in this checkout. */
export const thisCheckout = (): ServerBuild => ({ label: 'now', cwd: fileURLToPath(new URL('..', import.meta.url)), args: npmStartArgs() });

export interface ServerProcess {
  url: string;
  pid: number;
  dbPath: string;
  /** CPU time its main thread (the event loop) has used so far, in ms; null where /proc is not there. */
  mainThreadCpuMs(): number | null;
  stop(): Promise<void>;
}

/** utime + stime of one thread, from /proc (clock ticks of 10 ms on Linux). */
function threadCpuMs(pid: number): number | null {
  try {
    const fields = readFileSync(`/proc/${pid}/task/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
    return (Number(fields[11]) + Number(fields[12])) * 10;
  } catch {
    return null;
  }
}

/** Starts what `npm start` runs (or `build`) on a free port and a fresh database; waits until it listens. */
export async function startServerProcess(env: Record<string, string> = {}, build: ServerBuild = thisCheckout()): Promise<ServerProcess> {
  const dir = mkdtempSync(join(tmpdir(), 'desk-bench-server-'));
  const dbPath = join(dir, 'support.db');
  const child: ChildProcess = spawn(process.execPath, build.args, {
    cwd: build.cwd,
    env: { ...process.env, PORT: '0', HOST: '127.0.0.1', SUPPORT_DB_PATH: dbPath, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const url = await new Promise<string>((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error(`server did not start:\n${out}`)), 60_000);
    const onData = (chunk: Buffer) => {
      out += chunk.toString();
      const match = out.match(/listening on (http:\/\/[^\s]+)/);
      if (match?.[1]) {
        clearTimeout(timer);
        resolve(match[1].replace('localhost', '127.0.0.1'));
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.once('exit', (code) => reject(new Error(`server exited with ${code}:\n${out}`)));
  });
  return {
    url,
    pid: child.pid as number,
    dbPath,
    mainThreadCpuMs: () => threadCpuMs(child.pid as number),
    stop: () =>
      new Promise<void>((resolve) => {
        child.once('exit', () => {
          rmSync(dir, { recursive: true, force: true });
          resolve();
        });
        child.kill('SIGTERM');
      }),
  };
}
