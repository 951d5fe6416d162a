import type { PortalCredentialView, PortalProjectView, ProjectSettings } from '@gatehouse/contracts';
import { html, Html } from '../http/html';
import type { TokenTried } from './token-try';
import { copyable, csrfField, layout, notice, PageSession, when } from '../http/layout';
import { canWrite, projectHeader } from './project-nav';

export function projectsPage(s: PageSession, projects: PortalProjectView[], includeArchived: boolean): string {
  const write = canWrite(s.view.member.role);
  return layout({
    title: 'Projects',
    session: s,
    nav: 'projects',
    body: html`<h1>Projects of ${s.view.partner.name}</h1>
${
  projects.length
    ? html`<div class="table-wrap"><table><caption class="muted">${projects.length} project${projects.length === 1 ? '' : 's'}</caption>
<thead><tr><th scope="col">Name</th><th scope="col">Created</th><th scope="col">State</th></tr></thead>
<tbody>${projects.map(
        (p) => html`<tr><td><a href="/projects/${encodeURIComponent(p.project_id)}">${p.name}</a></td><td>${when(p.created_at)}</td><td>${p.archived_at ? 'archived' : 'active'}</td></tr>`,
      )}</tbody></table></div>`
    : html`<p>No projects yet.</p>`
}
<p>${includeArchived ? html`<a href="/projects">Hide archived projects</a>` : html`<a href="/projects?archived=1">Show archived projects</a>`}</p>
${
  write
    ? html`<h2>New project</h2>
<form class="stack" method="post" action="/projects">${csrfField(s.csrf)}
<div><label for="name">Name</label><input id="name" name="name" type="text" required maxlength="200"></div>
<div><button type="submit">Create project</button></div></form>`
    : ''
}`,
  });
}

export function overviewPage(
  s: PageSession,
  project: PortalProjectView,
  credentials: PortalCredentialView[],
  settings: ProjectSettings,
  apiUrl: string,
  chosen?: string,
  tried?: TokenTried,
): string {
  const write = canWrite(s.view.member.role) && !project.archived_at;
  const live = credentials.filter((c) => !c.revoked_at && (!c.expires_at || new Date(c.expires_at).getTime() > Date.now()));
  const pair = live.find((c) => c.client_id === (tried?.client_id ?? chosen)) ?? live[0];
  const base = `/projects/${encodeURIComponent(project.project_id)}`;
  const curl = pair
    ? `curl -s -X POST ${apiUrl}/v1/auth/token \\\n  -H 'x-monite-version: 2024-05-25' -H 'content-type: application/json' \\\n  -d '{"grant_type":"client_credentials","client_id":"${pair.client_id}","client_secret":"YOUR_CLIENT_SECRET"}'`
    : '';
  const answer = `{"access_token":"eyJ…","token_type":"Bearer","expires_in":${settings.access_token_ttl}}`;
  return layout({
    title: project.name,
    session: s,
    nav: 'projects',
    body: html`${projectHeader(project, 'overview')}
<dl class="kv"><dt>Project id</dt><dd><code>${project.project_id}</code></dd><dt>Created</dt><dd>${when(project.created_at)}</dd>
<dt>Token lifetime</dt><dd>${settings.access_token_ttl} seconds</dd><dt>Active credential pairs</dt><dd>${live.length}</dd></dl>
<section aria-labelledby="first-request"><h2 id="first-request">Your first request</h2>
${
  pair
    ? html`${
        live.length > 1
          ? html`<form method="get" action="${base}" class="filters"><div><label for="pair">Credential pair</label><select id="pair" name="pair">${live.map(
              (c) => html`<option value="${c.client_id}"${c.client_id === pair.client_id ? html` selected` : ''}>${c.name ?? c.client_id}</option>`,
            )}</select></div><div><button type="submit" class="secondary">Use this pair</button></div></form>`
          : ''
      }
<p>Ask the API for a partner token with the pair <strong>${pair.name ?? pair.client_id}</strong>. Put its client secret in place of <code>YOUR_CLIENT_SECRET</code>: the portal never shows a secret again after it was created.</p>
${copyable('curl-line', curl, 'Copy the command', true)}
<p>The answer:</p><pre><code>${answer}</code></pre>
<p class="muted">Then call the API with <code>authorization: Bearer &lt;access_token&gt;</code>, e.g. <code>GET ${apiUrl}/v1/settings</code>.</p>
${tryIt(s, base, live, pair, !canWrite(s.view.member.role) ? 'role' : project.archived_at ? 'archived' : null, tried)}`
    : html`<p>This project has no active credential pair yet. ${write ? html`<a href="${base}/credentials">Create one</a> to get a client id and secret.` : ''}</p>`
}</section>
${
  write
    ? html`<h2>Rename</h2>
<form class="stack" method="post" action="${base}/rename">${csrfField(s.csrf)}
<div><label for="name">New name</label><input id="name" name="name" type="text" required maxlength="200" value="${project.name}"></div>
<div><button type="submit">Rename</button></div></form>
<h2>Archive</h2>
<p>An archived project mints no token (its pairs are refused as <code>invalid_client</code>) and is hidden from the list.</p>
<form method="post" action="${base}/archive" data-confirm="Archive this project? It will mint no more tokens.">${csrfField(s.csrf)}<button type="submit" class="danger">Archive project</button></form>`
    : project.archived_at
      ? notice('warn', 'This project is archived: it mints no token.')
      : ''
}`,
  });
}

/**
 * "Try it": a pair of this project and its secret, pasted for this one request (the
 * portal keeps nothing of it: the field is empty again on the answer), minted by auth
 * as the token endpoint mints; the answer as the endpoint would give it, and the
 * token's decoded header and claims. Minting is not a read: viewers get a note instead.
 */
function tryIt(s: PageSession, base: string, live: PortalCredentialView[], pair: PortalCredentialView, refused: 'role' | 'archived' | null, tried?: TokenTried): Html {
  const heading = html`<h3 id="try-it">Try it</h3>`;
  if (refused === 'role') {
    return html`${heading}<p class="muted" id="try-it-viewer">Trying a pair mints a real token of this project, so it needs the developer or owner role: run the command above instead.</p>`;
  }
  if (refused === 'archived') return html`${heading}<p class="muted">The project is archived: it mints no token.</p>`;
  return html`${heading}
<p>Paste the pair's client secret to ask for a token right here. The portal sends it to auth for this one request and keeps nothing of it.</p>
<form class="stack" method="post" action="${base}/try" autocomplete="off">${csrfField(s.csrf)}
<div><label for="try-client-id">Credential pair</label><select id="try-client-id" name="client_id">${live.map(
    (c) => html`<option value="${c.client_id}"${c.client_id === pair.client_id ? html` selected` : ''}>${c.name ? `${c.name} (${c.client_id})` : c.client_id}</option>`,
  )}</select></div>
<div><label for="try-client-secret">Client secret</label><input id="try-client-secret" name="client_secret" type="password" required maxlength="1024" autocomplete="off" spellcheck="false" autocapitalize="off"></div>
<div><button type="submit">Try it</button></div></form>
${tried ? triedAnswer(tried) : ''}`;
}

function triedAnswer(t: TokenTried): Html {
  return html`<div id="try-result" aria-live="polite">
<p>The token endpoint's answer for <code>${t.client_id}</code>: <strong id="try-status">HTTP ${t.status}</strong>${t.error_code ? html` <code id="try-error">${t.error_code}</code>` : ''}</p>
<pre id="try-body"><code>${JSON.stringify(t.body, null, 2)}</code></pre>
${
  t.jwt
    ? html`<p>The access token decoded (its signature is the gateway's to check):</p>
<dl class="kv"><dt>Header</dt><dd><pre id="try-jwt-header"><code>${JSON.stringify(t.jwt.header, null, 2)}</code></pre></dd>
<dt>Claims</dt><dd><pre id="try-jwt-claims"><code>${JSON.stringify(t.jwt.claims, null, 2)}</code></pre></dd></dl>`
    : ''
}</div>`;
}
