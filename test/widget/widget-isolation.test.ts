import { type Server, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BROWSER_INSTALL_TIMEOUT_MS } from '../support/browser.ts';
import { identityHeaders } from '../support/chat-desk.ts';
import { type WidgetHarness, screenshotPath, startWidgetHarness, widget } from './widget-harness.ts';

/*
 * The widget on somebody else's page: a host served from another origin (its own port) with
 * aggressive global styles. Its styles must not reach the widget, the widget's must not reach the
 * page, and the chat API must answer the cross-origin calls (CORS with the identity headers).
 */

const HOST_CSS = `
  body { font: 30px/2 "Times New Roman", serif; color: green; letter-spacing: 3px; }
  button { color: red; background: yellow; border: 4px dotted blue; font-size: 30px; padding: 0; }
  * { text-transform: uppercase; }
`;

/** The computed styles a leak would change. */
const watched = ['color', 'background-color', 'font-size', 'font-family', 'border-top-style', 'letter-spacing', 'text-transform', 'padding-top'];

describe('help widget: isolation on a cross-origin host page', () => {
  let harness: WidgetHarness;
  let hostPage = '';
  // A real server: Chromium lets only pages it knows to be local (not a fulfilled route) reach 127.0.0.1.
  const host: Server = createServer((_request, response) => response.writeHead(200, { 'content-type': 'text/html' }).end(hostPage));

  beforeAll(async () => {
    harness = await startWidgetHarness({ CHAT_RATE_BURST: '500' });
    await new Promise<void>((resolve) => host.listen(0, '127.0.0.1', resolve));
  }, BROWSER_INSTALL_TIMEOUT_MS);

  afterAll(async () => {
    host.closeAllConnections();
    await new Promise((resolve) => host.close(resolve));
    await harness?.close();
  });

  it('keeps host styles out, its own styles in, and talks to the desk across origins', async () => {
    const deskOrigin = harness.desk.url;
    const hostOrigin = `http://127.0.0.1:${(host.address() as AddressInfo).port}`;
    const maya = identityHeaders('maya@example.com');
    hostPage = `<!doctype html><html><head><meta charset="utf-8"><style>${HOST_CSS}</style></head><body>
      <h1>Shop</h1><button id="host-button" type="button">Host button</button>
      <script>
        const pick = (el) => Object.fromEntries(${JSON.stringify(watched)}.map((p) => [p, getComputedStyle(el).getPropertyValue(p)]));
        window.hostBefore = { button: pick(document.getElementById('host-button')), body: pick(document.body) };
        window.pick = pick;
      </script>
      <script src="${deskOrigin}/widget.js"></script>
      <script>PrismSupport.init({ apiBase: ${JSON.stringify(deskOrigin)}, user: ${JSON.stringify({ email: maya['x-user-email'], hash: maya['x-user-hash'] })} });</script>
    </body></html>`;
    const { page } = await harness.open('/health');
    const allowed: (string | undefined)[] = [];
    page.on('response', (r) => {
      if (r.url().startsWith(`${deskOrigin}/api/`)) allowed.push(r.headers()['access-control-allow-origin']);
    });
    await page.goto(`${hostOrigin}/shop`);

    const w = widget(page);
    await w.launcher.click();
    await w.settled(0);
    // Verified across origins: Maya's own failed run is offered.
    expect(await w.replies.getByRole('button', { name: /^Video Studio/ }).count()).toBe(1);
    await page.screenshot({ path: screenshotPath('hostile-host-page') });

    const styles = await page.evaluate(() => {
      const pick = Reflect.get(window, 'pick') as (el: Element) => Record<string, string>;
      const root = document.querySelector('prism-support')?.shadowRoot;
      const launcher = root?.querySelector('.launcher');
      const reply = root?.querySelector('.options button');
      const message = root?.querySelector('.msg');
      const host = document.getElementById('host-button');
      if (!launcher || !reply || !message || !host) throw new Error('missing elements');
      return {
        before: Reflect.get(window, 'hostBefore') as unknown,
        after: { button: pick(host), body: pick(document.body) },
        launcher: pick(launcher),
        reply: pick(reply),
        message: pick(message),
      };
    });
    // The widget changed nothing on the page.
    expect(styles.after).toEqual(styles.before);
    // And the page changed nothing in the widget.
    expect(styles.launcher).toMatchObject({ color: 'rgb(255, 255, 255)', 'font-size': '15px', 'text-transform': 'none', 'letter-spacing': 'normal' });
    expect(styles.reply).toMatchObject({ color: 'rgb(67, 34, 196)', 'background-color': 'rgb(255, 255, 255)', 'border-top-style': 'solid' });
    expect(styles.message['font-family']).toContain('system-ui');
    expect(styles.message['font-size']).toBe('15px');
    // The API answered the cross-origin calls for the browser to read (WIDGET_ALLOWED_ORIGINS defaults to *).
    expect(allowed.length).toBeGreaterThan(0);
    expect(new Set(allowed)).toEqual(new Set(['*']));
  }, 60_000);
});
