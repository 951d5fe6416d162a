/** The portal's one stylesheet, served as /assets/portal.<hash>.css (no inline style anywhere: CSP style-src 'self'). */
export const PORTAL_CSS = String.raw`
:root { --fg: #1a1a1a; --muted: #4a4a4a; --bg: #ffffff; --line: #c8c8c8; --accent: #0b57a4; --danger: #a4161a; --ok: #1e6b30; --soft: #f3f5f8; }
* { box-sizing: border-box; }
html { font-size: 100%; }
body { margin: 0; font: 1rem/1.5 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: var(--fg); background: var(--bg); }
a { color: var(--accent); }
a:focus-visible, button:focus-visible, input:focus-visible, select:focus-visible, summary:focus-visible { outline: 3px solid #f4b400; outline-offset: 2px; }
.skip { position: absolute; left: -999px; top: 0; background: var(--fg); color: #fff; padding: .5rem 1rem; }
.skip:focus { left: 0; z-index: 10; }
header.top { display: flex; flex-wrap: wrap; gap: .5rem 1.5rem; align-items: center; padding: .75rem 1rem; border-bottom: 1px solid var(--line); background: var(--soft); }
header.top .brand { font-weight: 700; color: var(--fg); text-decoration: none; }
header.top nav ul { display: flex; flex-wrap: wrap; gap: .25rem 1rem; list-style: none; margin: 0; padding: 0; }
header.top .who { margin-left: auto; display: flex; gap: .75rem; align-items: center; flex-wrap: wrap; color: var(--muted); }
main { max-width: 60rem; margin: 0 auto; padding: 1rem; }
nav.sub ul { display: flex; flex-wrap: wrap; gap: .25rem 1rem; list-style: none; padding: 0; margin: 0 0 1rem; border-bottom: 1px solid var(--line); }
nav.sub a { display: inline-block; padding: .4rem 0; }
nav.sub a[aria-current="page"] { font-weight: 700; color: var(--fg); text-decoration: none; border-bottom: 3px solid var(--accent); }
h1 { font-size: 1.6rem; margin: .5rem 0 1rem; overflow-wrap: anywhere; }
h2 { font-size: 1.2rem; margin: 1.5rem 0 .5rem; }
.table-wrap { overflow-x: auto; }
table { border-collapse: collapse; width: 100%; margin: .5rem 0 1rem; }
th, td { text-align: left; padding: .4rem .5rem; border-bottom: 1px solid var(--line); vertical-align: top; overflow-wrap: anywhere; }
th { font-weight: 600; background: var(--soft); }
form.inline { display: inline; }
form.stack { display: grid; gap: .75rem; max-width: 28rem; margin: .5rem 0 1rem; }
label { font-weight: 600; display: block; }
input[type=text], input[type=email], input[type=password], input[type=number], input[type=datetime-local], select {
  width: 100%; font: inherit; padding: .45rem .5rem; border: 1px solid #767676; border-radius: 4px; background: #fff; color: var(--fg); }
.hint { color: var(--muted); font-size: .9rem; margin: .2rem 0 0; }
button, .button { font: inherit; padding: .45rem .9rem; border-radius: 4px; border: 1px solid var(--accent); background: var(--accent); color: #fff; cursor: pointer; text-decoration: none; display: inline-block; }
button.secondary { background: #fff; color: var(--accent); }
button.danger { background: var(--danger); border-color: var(--danger); }
button.link { background: none; border: none; color: var(--accent); text-decoration: underline; padding: 0; }
.notice { padding: .75rem 1rem; border-left: 4px solid var(--accent); background: var(--soft); margin: 1rem 0; }
.notice.error { border-color: var(--danger); }
.notice.warn { border-color: #8a5a00; }
.notice.ok { border-color: var(--ok); }
.secret { display: flex; flex-wrap: wrap; gap: .5rem; align-items: center; }
code { overflow-wrap: anywhere; }
code, pre, .mono { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; font-size: .9rem; }
pre { background: var(--soft); border: 1px solid var(--line); padding: .75rem; overflow-x: auto; white-space: pre-wrap; overflow-wrap: anywhere; }
.secret code { background: var(--soft); border: 1px solid var(--line); padding: .3rem .5rem; overflow-wrap: anywhere; }
.badge { display: inline-block; padding: 0 .4rem; border: 1px solid var(--line); border-radius: 3px; font-size: .85rem; }
.muted { color: var(--muted); }
.qr { width: 200px; height: 200px; image-rendering: pixelated; border: 1px solid var(--line); }
.copy-status { color: var(--ok); font-size: .9rem; }
dl.kv { display: grid; grid-template-columns: max-content 1fr; gap: .25rem 1rem; }
dl.kv dt { font-weight: 600; }
dl.kv dd { margin: 0; overflow-wrap: anywhere; }
details.op { border: 1px solid var(--line); border-radius: 4px; margin: .5rem 0; padding: .25rem .75rem; }
details.op summary { cursor: pointer; padding: .25rem 0; }
.method { font-weight: 700; display: inline-block; min-width: 4.5rem; }
.filters { display: flex; flex-wrap: wrap; gap: .75rem; align-items: end; }
.filters > div { min-width: 12rem; }
footer { max-width: 60rem; margin: 2rem auto; padding: 0 1rem; color: var(--muted); font-size: .85rem; }
@media (max-width: 40rem) {
  header.top .who { margin-left: 0; }
  dl.kv { grid-template-columns: 1fr; }
  th, td { padding: .35rem .3rem; }
}
`;
