import type { Child, FC } from 'hono/jsx';
import { raw } from 'hono/html';

/** Who is signed in, as every page of the console shows them (with the sign-out form). */
export interface PageStaff {
  name: string;
  email: string;
  csrfToken: string;
}

const css = `
:root { color-scheme: light dark; --fg: #1b1d21; --bg: #fff; --muted: #5b616b; --line: #d7dae0; --accent: #3a36c9; --ok: #17663a; --bad: #a4141c; }
@media (prefers-color-scheme: dark) { :root { --fg: #e8e9ec; --bg: #16171a; --muted: #a2a7b0; --line: #3a3d44; --accent: #a9a6ff; --ok: #6fd79a; --bad: #ff8f95; } }
* { box-sizing: border-box; }
body { margin: 0; font: 16px/1.5 system-ui, sans-serif; color: var(--fg); background: var(--bg); }
a { color: var(--accent); }
.skip { position: absolute; left: -999px; }
.skip:focus { left: 1rem; top: 1rem; background: var(--bg); padding: .5rem; z-index: 1; }
header.top { display: flex; flex-wrap: wrap; gap: 1rem; align-items: center; justify-content: space-between; padding: .75rem 1.5rem; border-bottom: 1px solid var(--line); }
header.top .brand { font-weight: 700; margin: 0; }
header.top nav ul { display: flex; gap: 1rem; list-style: none; margin: 0; padding: 0; }
header.top form { display: flex; gap: .5rem; align-items: center; margin: 0; }
main { padding: 1rem 1.5rem 3rem; max-width: 72rem; }
table { border-collapse: collapse; width: 100%; }
th, td { text-align: left; padding: .4rem .6rem; border-bottom: 1px solid var(--line); vertical-align: top; }
caption { text-align: left; color: var(--muted); padding: .4rem 0; }
dl { display: grid; grid-template-columns: max-content 1fr; gap: .25rem 1rem; }
dt { font-weight: 600; }
dd { margin: 0; white-space: pre-wrap; overflow-wrap: anywhere; }
button { font: inherit; padding: .4rem .9rem; border: 1px solid var(--accent); border-radius: .3rem; background: var(--bg); color: var(--accent); cursor: pointer; }
button.primary { background: var(--accent); color: var(--bg); }
button:focus-visible, a:focus-visible, select:focus-visible, textarea:focus-visible, input:focus-visible { outline: 3px solid var(--accent); outline-offset: 2px; }
textarea { width: 100%; min-height: 5rem; font: inherit; }
.decisions { display: grid; gap: 1rem; grid-template-columns: repeat(auto-fit, minmax(16rem, 1fr)); }
.decisions form { border: 1px solid var(--line); border-radius: .4rem; padding: .75rem; }
.filters { display: flex; flex-wrap: wrap; gap: 1rem; align-items: end; }
.filters label { display: block; font-weight: 600; }
.notice { padding: .6rem .9rem; border-radius: .3rem; border: 1px solid var(--ok); color: var(--ok); }
.notice.refused { border-color: var(--bad); color: var(--bad); }
.muted { color: var(--muted); }
ol.transcript { list-style: none; padding: 0; }
ol.transcript li { border-left: 3px solid var(--line); padding: .2rem .8rem; margin: .5rem 0; white-space: pre-wrap; overflow-wrap: anywhere; }
`;

/**
 * A page of the staff console: a skip link, the header (the desk, the navigation and, when signed
 * in, who is signed in with the sign-out form) and the main landmark. Other pages of the console
 * (e.g. /desk/metrics) render inside it with `requireStaff`'s `pageStaff(c)`.
 */
export const Layout: FC<{ title: string; staff: PageStaff | null; children?: Child }> = ({ title, staff, children }) => (
  <>
    {raw('<!doctype html>')}
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <meta name="referrer" content="no-referrer" />
        <title>{`${title} · PrismPoster support desk`}</title>
        <style>{raw(css)}</style>
      </head>
      <body>
        <a class="skip" href="#main">
          Skip to content
        </a>
        <header class="top">
          <p class="brand">PrismPoster support desk</p>
          {staff && (
            <nav aria-label="Console">
              <ul>
                <li>
                  <a href="/desk">Queue</a>
                </li>
                <li>
                  <a href="/desk/incidents">Incidents</a>
                </li>
                <li>
                  <a href="/desk/metrics">Metrics</a>
                </li>
              </ul>
            </nav>
          )}
          {staff && (
            <form method="post" action="/desk/sign-out">
              <input type="hidden" name="csrf" value={staff.csrfToken} />
              <span>
                Signed in as {staff.name} ({staff.email})
              </span>
              <button type="submit">Sign out</button>
            </form>
          )}
        </header>
        <main id="main">{children}</main>
      </body>
    </html>
  </>
);

/** A table's column headings, each a header for its column (screen readers announce it with every cell). */
export const ColumnHeads: FC<{ names: string[] }> = ({ names }) => (
  <thead>
    <tr>
      {names.map((name) => (
        <th scope="col">{name}</th>
      ))}
    </tr>
  </thead>
);
