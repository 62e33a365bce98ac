/** The mock studio's styles. Deliberately broad (`button`, `*`): the widget must look the same anyway. */
export const demoPageCss = `
* { box-sizing: border-box; }
body { margin: 0; font: 16px/1.5 Georgia, serif; color: #e9e7f5; background: #14121c; }
a { color: #b9a8ff; }
button { font: inherit; border: 0; border-radius: 8px; padding: 10px 18px; background: #e0569b; color: #fff; cursor: pointer; }
.app { display: flex; min-height: 100vh; }
.side { width: 210px; flex: none; padding: 20px 12px; background: #1c1927; display: flex; flex-direction: column; gap: 4px; }
.side a { padding: 8px 12px; border-radius: 8px; color: #cfcae6; text-decoration: none; }
.side a[aria-current] { background: #2e2945; color: #fff; }
.logo { font-weight: 700; font-size: 18px; padding: 0 12px 16px; color: #fff; }
main { flex: 1; min-width: 0; padding: 16px 24px 96px; max-width: 900px; }
.demo-note { margin: 0 0 16px; padding: 10px 14px; border-radius: 8px; background: #2b2540; font: 14px/1.5 system-ui, sans-serif; }
.top { display: flex; justify-content: space-between; align-items: center; gap: 12px; flex-wrap: wrap; }
h1 { margin: 0; font-size: 28px; }
h2 { margin: 0 0 12px; font-size: 18px; }
.who { font: 14px system-ui, sans-serif; color: #cfcae6; }
.card { margin-top: 16px; padding: 16px; border-radius: 12px; background: #1c1927; border: 1px solid #2e2945; }
.label { font: 600 13px system-ui, sans-serif; text-transform: uppercase; letter-spacing: .06em; color: #9d97b8; }
.prompt { margin: 6px 0 12px; padding: 12px; border-radius: 8px; background: #14121c; overflow-wrap: anywhere; }
.placeholder { color: #7d7898; }
.chips { display: flex; flex-wrap: wrap; gap: 6px; margin-bottom: 12px; }
.chip { padding: 2px 10px; border-radius: 999px; background: #2e2945; font: 13px system-ui, sans-serif; }
.run { display: flex; gap: 14px; align-items: flex-start; }
.run p { margin: 0 0 4px; overflow-wrap: anywhere; }
.thumb { flex: none; width: 72px; height: 48px; border-radius: 8px; display: grid; place-items: center; background: #3a1d2a; color: #ff8fa3; font-weight: 700; }
.status { color: #ff8fa3; font-weight: 700; }
.error, .meta { font: 14px system-ui, sans-serif; color: #cfcae6; }
@media (max-width: 700px) {
  .app { display: block; }
  .side { width: auto; flex-direction: row; flex-wrap: wrap; padding: 10px; }
  .side a { padding: 4px 8px; font-size: 14px; }
  .logo { width: 100%; padding: 0 8px 6px; }
  main { padding: 12px 12px 96px; }
}
`;
