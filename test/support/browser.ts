import { execFileSync } from 'node:child_process';
import { closeSync, existsSync, openSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Browser, chromium } from 'playwright-core';

const DEBIAN_CHROMIUM = '/usr/bin/chromium';
const FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];
const HOW_TO_INSTALL =
  'No Chromium for the browser tests. Install one and run again: on Debian/Ubuntu `sudo apt-get install -y chromium`, ' +
  'or point CHROMIUM_PATH at a Chromium or Chrome binary (e.g. CHROMIUM_PATH=/usr/bin/google-chrome npm test).';

/** How long installing Debian's chromium may take (apt-get update included). */
export const BROWSER_INSTALL_TIMEOUT_MS = 10 * 60 * 1000;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function canInstallWithApt(): boolean {
  return process.platform === 'linux' && process.getuid?.() === 0 && existsSync('/usr/bin/apt-get');
}

/** Installs Debian's chromium once, even when several test files ask at the same time. */
async function installDebianChromium(): Promise<void> {
  const lock = join(tmpdir(), 'prismposter-chromium-install.lock');
  let fd: number | null = null;
  try {
    fd = openSync(lock, 'wx');
  } catch {
    // A lock older than any install was left by a run that was killed: take it over.
    const age = Date.now() - (statSync(lock, { throwIfNoEntry: false })?.mtimeMs ?? Date.now());
    if (age > BROWSER_INSTALL_TIMEOUT_MS) {
      rmSync(lock, { force: true });
      return installDebianChromium();
    }
    // Another test file is installing it: wait for it to finish.
    const until = Date.now() + BROWSER_INSTALL_TIMEOUT_MS;
    while (existsSync(lock) && !existsSync(DEBIAN_CHROMIUM) && Date.now() < until) await sleep(1000);
    return;
  }
  try {
    console.warn('browser tests: no Chromium found; installing Debian’s chromium (apt-get install -y chromium)…');
    const options = { stdio: 'inherit', timeout: BROWSER_INSTALL_TIMEOUT_MS, env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } } as const;
    execFileSync('apt-get', ['update'], options);
    execFileSync('apt-get', ['install', '-y', '--no-install-recommends', 'chromium'], options);
  } finally {
    closeSync(fd);
    rmSync(lock, { force: true });
  }
}

/**
 * The Chromium the browser tests drive: `CHROMIUM_PATH`, else Debian's `/usr/bin/chromium`, else
 * (as root with apt-get) Debian's chromium installed now. Otherwise it throws, saying how to
 * install one: the browser tests fail rather than skip.
 */
export async function findChromium(): Promise<string> {
  const configured = process.env.CHROMIUM_PATH?.trim();
  if (configured) {
    if (!existsSync(configured)) throw new Error(`CHROMIUM_PATH=${configured} does not exist. ${HOW_TO_INSTALL}`);
    return configured;
  }
  if (existsSync(DEBIAN_CHROMIUM)) return DEBIAN_CHROMIUM;
  if (canInstallWithApt()) {
    await installDebianChromium();
    if (existsSync(DEBIAN_CHROMIUM)) return DEBIAN_CHROMIUM;
    throw new Error(`installing Debian’s chromium did not provide ${DEBIAN_CHROMIUM}. ${HOW_TO_INSTALL}`);
  }
  throw new Error(HOW_TO_INSTALL);
}

/** Launches headless Chromium through playwright-core (never a browser playwright downloads). */
export async function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: await findChromium(), headless: true, args: FLAGS });
}
