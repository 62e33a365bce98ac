import { demoData } from '../demo/demo-data.ts';
import { demoPageCss } from './demo-page-css.ts';

const esc = (s: string) => s.replace(/[&<>"']/g, (ch) => `&#${ch.charCodeAt(0)};`);
/** JSON safe inside a `<script>` element. */
const scriptJson = (value: unknown) => JSON.stringify(value).replace(/</g, '\\u003c');

const STUDIOS = ['image', 'video', 'music', 'storyboard'] as const;
const STUDIO_NAMES: Record<string, string> = { image: 'Image Studio', video: 'Video Studio', music: 'Music Studio', storyboard: 'Storyboard' };

/** What the mock studio shows of the demo account: its name, balance and the run that went wrong. */
function demoScene(email: string) {
  const data = demoData(0);
  const account = data.accounts.find((a) => a.email === email.toLowerCase());
  const run = account && data.generations.find((g) => g.accountId === account.id && g.status === 'failed');
  if (!account || !run) return null;
  const ledger = data.ledger.filter((l) => l.accountId === account.id);
  const cost = -ledger.filter((l) => l.generationId === run.id && l.type === 'spend').reduce((sum, l) => sum + l.amount, 0);
  const balance = ledger.reduce((sum, l) => sum + l.amount, 0);
  const settings = run.settings ?? {};
  const chips = [
    typeof settings.resolution === 'string' ? settings.resolution : null,
    typeof settings.durationSeconds === 'number' ? `${settings.durationSeconds} s` : null,
    typeof settings.referenceImages === 'number' ? `${settings.referenceImages} reference image${settings.referenceImages === 1 ? '' : 's'}` : null,
  ].filter((c): c is string => c !== null);
  return { name: account.name ?? account.email, balance, run, cost, chips, error: run.error?.message ?? 'Generation failed' };
}

/**
 * A host page for the widget: a mock PrismPoster studio with a failed run. With a user, the widget
 * is signed in as that demo account (the hash computed by the desk, as a host's server would);
 * without, it is anonymous and the page shows no account data either (`signedOutHere`: `/` itself,
 * where the desk would not sign in, so there is no signed-in version to link to).
 */
export function demoPage(user: { email: string; hash: string } | null, options: { signedOutHere?: boolean } = {}): string {
  const scene = user ? demoScene(user.email) : null;
  const studio = scene?.run.studio ?? 'video';
  const nav = STUDIOS.map((s) => `<a href="#"${s === studio ? ' aria-current="page"' : ''}>${STUDIO_NAMES[s]}</a>`).join('');
  const who = user ? `<span class="who">${esc(scene?.name ?? user.email)}</span>` : '<a class="who" href="#">Sign in</a>';
  const note = user
    ? `This mock studio embeds the help widget signed in as <b>${esc(user.email)}</b>. Open <b>Help</b> at the bottom right. <a href="/demo/anonymous">Signed-out version</a>`
    : options.signedOutHere
      ? 'This mock studio embeds the help widget without a signed-in user: the desk signs this page in only over its seeded demo data (or with WIDGET_DEMO=on). Open <b>Help</b> at the bottom right.'
      : 'This mock studio embeds the help widget without a signed-in user. Open <b>Help</b> at the bottom right. <a href="/">Signed-in version</a>';
  const prompt = scene ? esc(scene.run.prompt) : '<span class="placeholder">Describe your video…</span>';
  const chips = (scene?.chips ?? ['1080p', '6 s']).map((c) => `<span class="chip">${esc(c)}</span>`).join('');
  const run = scene
    ? `<p class="status">Failed</p><p class="run-prompt">${esc(scene.run.prompt)}</p><p class="error">${esc(scene.error)}</p><p class="meta">${scene.cost} credits</p>`
    : '<p class="status">Failed</p><p class="error">Something went wrong. Please try again.</p>';
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${STUDIO_NAMES[studio]} · PrismPoster (demo)</title>
<style>${demoPageCss}</style>
</head>
<body>
<div class="app">
  <nav class="side" aria-label="Studios">
    <div class="logo">◆ PrismPoster</div>
    ${nav}<a href="#">Library</a><a href="#">Credits${scene ? ` · ${scene.balance}` : ''}</a>
  </nav>
  <main>
    <p class="demo-note">${note}</p>
    <header class="top"><h1>${STUDIO_NAMES[studio]}</h1>${who}</header>
    <section class="card composer" aria-label="New run">
      <div class="label">Prompt</div>
      <div class="prompt">${prompt}</div>
      <div class="chips">${chips}</div>
      <button type="button" class="generate">Generate</button>
    </section>
    <section class="card" aria-labelledby="recent">
      <h2 id="recent">Recent runs</h2>
      <article class="run"><div class="thumb" aria-hidden="true">!</div><div>${run}</div></article>
    </section>
  </main>
</div>
<script src="/widget.js"></script>
<script>PrismSupport.init({ apiBase: location.origin, user: ${scriptJson(user)} });</script>
</body>
</html>
`;
}
