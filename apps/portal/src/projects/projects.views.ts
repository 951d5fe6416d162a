import type { PortalCredentialView, PortalProjectView, ProjectSettings } from '@gatehouse/contracts';
import { html } from '../http/html';
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

export function overviewPage(s: PageSession, project: PortalProjectView, credentials: PortalCredentialView[], settings: ProjectSettings, apiUrl: string, chosen?: string): string {
  const write = canWrite(s.view.member.role) && !project.archived_at;
  const live = credentials.filter((c) => !c.revoked_at && (!c.expires_at || new Date(c.expires_at).getTime() > Date.now()));
  const pair = live.find((c) => c.client_id === chosen) ?? live[0];
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
<p class="muted">Then call the API with <code>authorization: Bearer &lt;access_token&gt;</code>, e.g. <code>GET ${apiUrl}/v1/settings</code>. The portal does not send this request for you: it holds no secret, and your browser does not send secrets to another site from here.</p>`
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
