import type { PortalCredentialCreated, PortalCredentialView, PortalKeyView, PortalProjectView } from '@gatehouse/contracts';
import { html, Html } from '../http/html';
import { canWrite, projectHeader } from '../projects/project-nav';
import { copyable, csrfField, layout, notice, PageSession, when } from '../http/layout';

/** The roll's choices for the old pair's end: from now to the contract's 30 days. */
export const ROLL_EXPIRY_CHOICES: ReadonlyArray<readonly [string, string, number]> = [
  ['now', 'at once', 0],
  ['1h', 'in 1 hour', 3_600],
  ['24h', 'in 24 hours', 86_400],
  ['7d', 'in 7 days', 7 * 86_400],
  ['30d', 'in 30 days', 30 * 86_400 - 60],
];

export const SECRET_WARNING = 'The client secret is shown only once; store it securely.';

function state(c: PortalCredentialView): Html {
  if (c.revoked_at) return html`revoked ${when(c.revoked_at)}`;
  if (c.expires_at) return new Date(c.expires_at).getTime() > Date.now() ? html`expires ${when(c.expires_at)}` : html`expired ${when(c.expires_at)}`;
  return html`active`;
}

export function credentialsPage(s: PageSession, project: PortalProjectView, credentials: PortalCredentialView[], created?: PortalCredentialCreated, note?: string): string {
  const write = canWrite(s.view.member.role) && !project.archived_at;
  const base = `/projects/${encodeURIComponent(project.project_id)}/credentials`;
  return layout({
    title: `Credentials · ${project.name}`,
    session: s,
    nav: 'projects',
    body: html`${projectHeader(project, 'credentials')}
${note ? notice('ok', note) : ''}
${
  created
    ? html`<section class="notice warn" aria-labelledby="new-secret"><h2 id="new-secret">New credential pair "${created.name ?? ''}"</h2>
<p><strong>${SECRET_WARNING}</strong></p>
<dl class="kv"><dt>Client id</dt><dd>${copyable('client-id', created.client_id, 'Copy client id')}</dd>
<dt>Client secret</dt><dd>${copyable('client-secret', created.client_secret, 'Copy client secret')}</dd></dl></section>`
    : ''
}
<div class="table-wrap"><table><caption class="muted">Credential pairs</caption>
<thead><tr><th scope="col">Name</th><th scope="col">Client id</th><th scope="col">Created</th><th scope="col">By</th><th scope="col">Last used</th><th scope="col">State</th>${write ? html`<th scope="col">Actions</th>` : ''}</tr></thead>
<tbody>${credentials.map((c) => {
      const usable = !c.revoked_at && (!c.expires_at || new Date(c.expires_at).getTime() > Date.now());
      return html`<tr><td>${c.name ?? html`<span class="muted">unnamed</span>`}</td><td><code>${c.client_id}</code></td><td>${when(c.created_at)}</td><td>${c.created_by ?? '—'}</td><td>${when(c.last_used_at)}</td><td>${state(c)}</td>${
        write
          ? html`<td>${
              usable
                ? html`<form class="stack" method="post" action="${base}/roll">${csrfField(s.csrf)}<input type="hidden" name="client_id" value="${c.client_id}">
<div><label for="expiry-${c.client_id}">Old pair stops</label><select id="expiry-${c.client_id}" name="old_expires">${ROLL_EXPIRY_CHOICES.map(
                    ([v, label]) => html`<option value="${v}"${v === '24h' ? html` selected` : ''}>${label}</option>`,
                  )}</select></div><div><button type="submit" class="secondary">Roll</button></div></form>
<form method="post" action="${base}/revoke" data-confirm="Revoke this pair? Every token it minted stops working at once.">${csrfField(s.csrf)}<input type="hidden" name="client_id" value="${c.client_id}"><button type="submit" class="danger">Revoke</button></form>`
                : ''
            }</td>`
          : ''
      }</tr>`;
    })}</tbody></table></div>
${credentials.length ? '' : html`<p>No credential pairs yet.</p>`}
${
  write
    ? html`<h2>New credential pair</h2>
<form class="stack" method="post" action="${base}">${csrfField(s.csrf)}
<div><label for="name">Name</label><input id="name" name="name" type="text" required maxlength="200" aria-describedby="name-hint"><p id="name-hint" class="hint">Where it is used, e.g. "production backend".</p></div>
<div><button type="submit">Create credential pair</button></div></form>`
    : notice('info', 'Your role can see the pairs, not create or change them.')
}`,
  });
}

export function keysPage(s: PageSession, project: PortalProjectView, keys: PortalKeyView[], rotated?: string): string {
  const write = canWrite(s.view.member.role) && !project.archived_at;
  return layout({
    title: `Signing keys · ${project.name}`,
    session: s,
    nav: 'projects',
    body: html`${projectHeader(project, 'keys')}
${rotated ? notice('ok', html`Keys rotated: <code>${rotated}</code> signs from now on. Tokens signed before stay valid until they expire.`) : ''}
<p>Tokens are signed with the active key (ES256); retired keys stay published in the JWKS until the tokens they signed have expired.</p>
<div class="table-wrap"><table><thead><tr><th scope="col">Key id (kid)</th><th scope="col">Created</th><th scope="col">State</th></tr></thead>
<tbody>${keys.map((k) => html`<tr><td><code>${k.kid}</code></td><td>${when(k.created_at)}</td><td>${k.state}</td></tr>`)}</tbody></table></div>
${
  write
    ? html`<form method="post" action="/projects/${encodeURIComponent(project.project_id)}/keys/rotate" data-confirm="Rotate the signing keys? A new key signs from now on.">${csrfField(s.csrf)}<button type="submit">Rotate keys</button></form>`
    : ''
}`,
  });
}
