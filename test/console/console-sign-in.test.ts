import type { ChildProcess } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createStaffAuth } from '../../src/console/staff-auth.ts';
import type { Packet } from '../../src/core/support-packet.ts';
import { newId } from '../../src/core/ids.ts';
import { type ChatDesk, startChatDesk } from '../support/chat-desk.ts';
import { killAll, runCliProcess } from '../support/desk-process.ts';
import { consoleClient, csrfOf, staffAdd } from './console-client.ts';

/*
 * Sign-in to the staff console and what it refuses: links from the real CLI against the desk's
 * SQLite file, forms posted over HTTP as a browser posts them. Each refusal changes nothing.
 */

const children = new Set<ChildProcess>();
let desk: ChatDesk;
let skipped = 0;
let packet: Packet;

beforeAll(async () => {
  desk = await startChatDesk({}, { now: () => Date.now() + skipped });
  ({ packet } = await desk.deps.packets.file({
    channel: 'email',
    accountEmail: 'maya@example.com',
    verified: true,
    stepsTried: ['retry'],
    transcript: [{ from: 'user', text: 'My 4k video failed and the credits are gone.', at: new Date().toISOString() }],
  }));
}, 60_000);

afterAll(async () => {
  killAll(children);
  await desk?.close();
});

/** What a refusal must leave as it was: the packet, its audit trail, the staff's sessions. */
async function state() {
  return {
    packet: await desk.deps.store.getPacket(packet.ref),
    audit: await desk.deps.store.listAudit(packet.ref),
    sessions: [...(await desk.deps.staffStore.countSessions(Date.now() + skipped)).entries()],
  };
}

describe('the staff console without a session', () => {
  it('shows a sign-in prompt on every page, and no case data', async () => {
    const anonymous = consoleClient(desk.url);
    for (const path of ['/desk', `/desk/packets/${packet.ref}`, '/desk?status=open']) {
      const page = await anonymous.get(path);
      expect(page.status, path).toBe(401);
      expect(page.html).toContain('Sign in to the support desk');
      expect(page.html).toContain('npm run cli -- staff');
      expect(page.html).not.toContain(packet.ref);
      expect(page.html).not.toContain('maya@example.com');
      expect(page.headers.get('cache-control')).toBe('no-store');
    }
  });

  it('refuses a decision, changing nothing', async () => {
    const before = await state();
    const page = await consoleClient(desk.url).post(`/desk/packets/${packet.ref}/resolve`, { csrf: 'x'.repeat(43) });
    expect(page.status).toBe(401);
    expect(await state()).toEqual(before);
  });
});

describe('signing in with a link from the CLI', () => {
  it('GET shows a confirmation and uses nothing; POST starts a session (HttpOnly, SameSite=Strict) and uses the link', async () => {
    const link = await staffAdd(desk.dbPath, 'Maria Lopez', 'maria@prismposter.test', desk.url, children);
    const maria = consoleClient(desk.url);
    const { pathname, search } = new URL(link);
    // A mail scanner opening the link twice burns nothing.
    for (let i = 0; i < 2; i++) {
      const confirm = await maria.get(`${pathname}${search}`);
      expect(confirm.status).toBe(200);
      expect(confirm.html).toContain('Sign in as Maria Lopez (maria@prismposter.test)?');
      expect(confirm.headers.get('set-cookie')).toBeNull();
    }
    const signedIn = await maria.post('/desk/sign-in', { token: new URL(link).searchParams.get('token') ?? '' });
    expect(signedIn.status).toBe(303);
    expect(signedIn.headers.get('location')).toBe('/desk');
    const cookie = signedIn.headers.get('set-cookie') ?? '';
    expect(cookie).toMatch(/^desk_session=[A-Za-z0-9_-]{43}; /);
    expect(cookie).toContain('HttpOnly');
    expect(cookie).toContain('SameSite=Strict');
    expect(cookie).toContain('Path=/desk');
    expect(cookie).not.toContain('Secure');
    // The session id is stored hashed only.
    const sessionId = /desk_session=([^;]+)/.exec(cookie)?.[1] ?? '';
    const stored = desk.deps.sqlite.sqlite.prepare('SELECT id_hash FROM staff_sessions').all() as { id_hash: string }[];
    expect(stored.map((r) => r.id_hash)).not.toContain(sessionId);
    expect(stored.every((r) => /^[0-9a-f]{64}$/.test(r.id_hash))).toBe(true);

    const queue = await maria.get('/desk');
    expect(queue.status).toBe(200);
    expect(queue.html).toContain('Signed in as Maria Lopez');
    expect(queue.html).toContain(packet.ref);

    // Reused: refused, no session.
    const before = await state();
    const again = consoleClient(desk.url);
    const reused = await again.signIn(link);
    expect(reused.status).toBe(410);
    expect(reused.html).toContain('does not work any more');
    expect(reused.headers.get('set-cookie')).toBeNull();
    expect((await again.post('/desk/sign-in', { token: new URL(link).searchParams.get('token') ?? '' })).status).toBe(410);
    expect(await state()).toEqual(before);
  }, 60_000);

  it('refuses an expired link (past 15 minutes) and a sign-in posted from another origin, changing nothing', async () => {
    const link = await staffAdd(desk.dbPath, 'Jon Berg', 'jon@prismposter.test', desk.url, children);
    const token = new URL(link).searchParams.get('token') ?? '';
    const jon = consoleClient(desk.url);

    const before = await state();
    const forged = await jon.post('/desk/sign-in', { token }, { origin: 'https://evil.example' });
    expect(forged.status).toBe(403);
    expect(forged.headers.get('set-cookie')).toBeNull();
    const noOrigin = await jon.post('/desk/sign-in', { token }, { origin: null });
    expect(noOrigin.status).toBe(403);
    expect(await state()).toEqual(before);

    skipped += 15 * 60 * 1000 + 1000;
    try {
      expect((await jon.get(`/desk/sign-in?token=${token}`)).status).toBe(410);
      const expired = await jon.post('/desk/sign-in', { token });
      expect(expired.status).toBe(410);
      expect(expired.headers.get('set-cookie')).toBeNull();
      expect(await state()).toEqual({ ...before, sessions: [...(await desk.deps.staffStore.countSessions(Date.now() + skipped)).entries()] });
      expect((await desk.deps.staffStore.countSessions(Date.now() + skipped)).get((await desk.deps.staffStore.findStaffByEmail('jon@prismposter.test'))?.id ?? '')).toBeUndefined();
    } finally {
      skipped = 0;
    }
  }, 60_000);

  it('sets the cookie Secure over HTTPS', async () => {
    const auth = createStaffAuth({ staff: desk.deps.staffStore, now: desk.deps.now, newId });
    const { staff } = await auth.addStaff('Ana Secure', 'ana@prismposter.test');
    const { url } = await auth.issueSignInLink(staff.id, 'https://desk.prismposter.test');
    const token = new URL(url).searchParams.get('token') ?? '';
    const response = await desk.deps.app.request('https://desk.prismposter.test/desk/sign-in', {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', origin: 'https://desk.prismposter.test' },
      body: new URLSearchParams({ token }).toString(),
    });
    expect(response.status).toBe(303);
    expect(response.headers.get('set-cookie')).toMatch(/; Secure/);
  });
});

describe('a signed-in member of staff', () => {
  /** Signed in with a link issued in-process (the CLI's own links are tried above). */
  async function signedIn(email: string) {
    const auth = createStaffAuth({ staff: desk.deps.staffStore, now: desk.deps.now, newId });
    const { staff } = await auth.addStaff('Lea Stone', email);
    const { url: link } = await auth.issueSignInLink(staff.id, desk.url);
    const lea = consoleClient(desk.url);
    expect((await lea.signIn(link)).status).toBe(303);
    return lea;
  }

  it('cannot decide without the CSRF token, with a wrong one, as JSON, or from another origin: nothing changes', async () => {
    const lea = await signedIn('lea@prismposter.test');
    const page = await lea.get(`/desk/packets/${packet.ref}`);
    expect(page.status).toBe(200);
    const csrf = csrfOf(page.html);
    const before = await state();

    const missing = await lea.post(`/desk/packets/${packet.ref}/resolve`, {});
    expect(missing.status).toBe(403);
    expect(missing.html).toContain('The form carried no CSRF token.');
    const wrong = await lea.post(`/desk/packets/${packet.ref}/resolve`, { csrf: `${csrf.slice(0, -2)}xx` });
    expect(wrong.status).toBe(403);
    const json = await fetch(`${desk.url}/desk/packets/${packet.ref}/resolve`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', origin: lea.origin, cookie: lea.cookie ?? '' },
      body: JSON.stringify({ csrf }),
    });
    expect(json.status).toBe(403);
    const elsewhere = await lea.post(`/desk/packets/${packet.ref}/resolve`, { csrf }, { origin: 'https://evil.example' });
    expect(elsewhere.status).toBe(403);
    expect(await state()).toEqual(before);

    // The same form with the token: done.
    const done = await lea.post(`/desk/packets/${packet.ref}/assign`, { csrf });
    expect(done.status).toBe(200);
    expect(done.html).toContain(`${packet.ref} is assigned to you.`);
    const audit = await desk.deps.store.listAudit(packet.ref);
    expect(audit.at(-1)).toMatchObject({ action: 'packet.assigned', actor: expect.stringMatching(/^desk:stf_/), evidence: { staff: { name: 'Lea Stone' } } });
  }, 60_000);

  it('names the field of a bad filter, and answers 404 for a packet that is not there', async () => {
    const lea = await signedIn('lea.filters@prismposter.test');
    const bad = await lea.get('/desk?status=closed');
    expect(bad.status).toBe(400);
    expect(bad.html).toContain('status: ');
    expect((await lea.get('/desk?verdict=maybe')).html).toContain('verdict: ');
    const missing = await lea.get('/desk/packets/PKT-NOSUCH1');
    expect(missing.status).toBe(404);
    expect(missing.html).toContain('No packet PKT-NOSUCH1');
    const empty = await lea.post(`/desk/packets/${packet.ref}/reply`, { csrf: csrfOf((await lea.get('/desk')).html), text: '   ', key: 'form_1' });
    expect(empty.status).toBe(400);
    expect(empty.html).toContain('text: is empty');
  });

  it('signs out (the cookie is cleared and the session ends); staff remove ends the sessions of who is removed', async () => {
    const lea = await signedIn('lea.out@prismposter.test');
    const csrf = csrfOf((await lea.get('/desk')).html);
    const cookie = lea.cookie;
    const out = await lea.post('/desk/sign-out', { csrf });
    expect(out.status).toBe(303);
    expect(out.headers.get('set-cookie')).toMatch(/^desk_session=; Max-Age=0/);
    lea.cookie = cookie;
    expect((await lea.get('/desk')).status).toBe(401);

    const kim = await signedIn('kim@prismposter.test');
    expect((await kim.get('/desk')).status).toBe(200);
    const removed = await runCliProcess(['staff', 'remove', 'kim@prismposter.test', '--db', desk.dbPath], children);
    expect(removed.code).toBe(0);
    expect(removed.stdout).toContain('removed Lea Stone <kim@prismposter.test>');
    expect((await kim.get('/desk')).status).toBe(401);
    const list = await runCliProcess(['staff', 'list', '--db', desk.dbPath], children);
    expect(list.stdout).not.toContain('kim@prismposter.test');
    expect(list.stdout).toMatch(/Maria Lopez {2}<maria@prismposter\.test> {2}added \S+ {2}sessions 1/);
  }, 60_000);
});
