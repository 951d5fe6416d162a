import type { PortalSessionView } from '@gatehouse/contracts';
import { ASSETS } from './assets';
import { Html, html } from './html';

export interface PageSession {
  view: PortalSessionView;
  csrf: string;
}

export interface LayoutOptions {
  title: string;
  session?: PageSession;
  /** The main navigation entry to mark current. */
  nav?: 'projects' | 'members' | 'account' | 'api';
  body: Html;
}

/** Every page: one stylesheet, one script (both the portal's own), a skip link, the navigation, one <main>. */
export function layout({ title, session, nav, body }: LayoutOptions): string {
  const item = (key: LayoutOptions['nav'], href: string, label: string) =>
    html`<li><a href="${href}"${nav === key ? html` aria-current="page"` : ''}>${label}</a></li>`;
  const header = session
    ? html`<header class="top">
  <a class="brand" href="/projects">Gatehouse</a>
  <nav aria-label="Main"><ul>${item('projects', '/projects', 'Projects')}${item('members', '/members', 'Members')}${item('account', '/account', 'Account')}${item('api', '/api', 'API reference')}</ul></nav>
  <div class="who"><span>${session.view.member.email} · ${session.view.partner.name} (${session.view.member.role})</span>
    <form class="inline" method="post" action="/logout">${csrfField(session.csrf)}<button type="submit" class="secondary">Sign out</button></form></div>
</header>`
    : html`<header class="top"><a class="brand" href="/login">Gatehouse</a><nav aria-label="Main"><ul>${item('api', '/api', 'API reference')}</ul></nav></header>`;
  return html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${title} · Gatehouse Partner Portal</title>
<link rel="stylesheet" href="${ASSETS.css.path}">
<script src="${ASSETS.js.path}" defer></script>
</head>
<body>
<a class="skip" href="#main">Skip to content</a>
${header}
<main id="main" tabindex="-1">
${body}
</main>
<footer>Gatehouse Partner Portal</footer>
</body>
</html>
`.value;
}

export function csrfField(token: string): Html {
  return html`<input type="hidden" name="_csrf" value="${token}">`;
}

export function notice(kind: 'ok' | 'error' | 'warn' | 'info', text: string | Html): Html {
  return html`<div class="notice ${kind === 'info' ? '' : kind}" role="${kind === 'error' ? 'alert' : 'status'}">${text}</div>`;
}

/** A date for people (UTC, to the minute), or a dash. */
export function when(iso: string | null | undefined): Html {
  if (!iso) return html`<span class="muted">—</span>`;
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return html`${iso}`;
  return html`<time datetime="${d.toISOString()}">${d.toISOString().slice(0, 16).replace('T', ' ')} UTC</time>`;
}

/** A secret or a line to copy: the text, and a copy button the script reveals. */
export function copyable(id: string, text: string, label: string, block = false): Html {
  const shown = block ? html`<pre id="${id}">${text}</pre>` : html`<code id="${id}">${text}</code>`;
  return html`<div class="secret">${shown}<button type="button" class="secondary" data-copy="${id}" hidden>${label}</button><span id="${id}-status" class="copy-status" aria-live="polite"></span></div>`;
}
