import type { AuditLogsPage, EntityUserView, EntityView, Page, PortalProjectView, RoleView } from '@gatehouse/contracts';
import { html, Html } from '../http/html';
import { projectHeader } from '../projects/project-nav';
import { layout, PageSession, when } from '../http/layout';

function entityName(e: EntityView): string {
  const v = e as unknown as { organization?: { legal_name?: string }; individual?: { first_name?: string; last_name?: string } };
  return v.organization?.legal_name ?? ([v.individual?.first_name, v.individual?.last_name].filter(Boolean).join(' ') || e.email || e.id);
}

function pager(base: string, page: { next_pagination_token: string | null; prev_pagination_token: string | null }, extra = ''): Html {
  const link = (token: string, label: string) => html`<a href="${`${base}?${extra}${extra ? '&' : ''}page=${encodeURIComponent(token)}`}">${label}</a>`;
  return html`<p>${page.prev_pagination_token ? link(page.prev_pagination_token, '← Newer') : ''} ${page.next_pagination_token ? link(page.next_pagination_token, 'Older →') : ''}</p>`;
}

export function entitiesPage(s: PageSession, project: PortalProjectView, page: Page<EntityView>): string {
  const base = `/projects/${encodeURIComponent(project.project_id)}/entities`;
  return layout({
    title: `Entities · ${project.name}`,
    session: s,
    nav: 'projects',
    body: html`${projectHeader(project, 'entities')}
<p>The project's entities (read only: change them through the API).</p>
${
  page.data.length
    ? html`<div class="table-wrap"><table><thead><tr><th scope="col">Name</th><th scope="col">Type</th><th scope="col">Status</th><th scope="col">Email</th><th scope="col">Created</th></tr></thead>
<tbody>${page.data.map(
        (e) => html`<tr><td><a href="${base}/${encodeURIComponent(e.id)}">${entityName(e)}</a></td><td>${e.type}</td><td>${e.status}</td><td>${e.email ?? '—'}</td><td>${when((e as unknown as { created_at?: string }).created_at)}</td></tr>`,
      )}</tbody></table></div>${pager(base, page)}`
    : html`<p>No entities yet.</p>`
}`,
  });
}

export function entityPage(s: PageSession, project: PortalProjectView, entity: EntityView, users: Page<EntityUserView>, roles: Page<RoleView>): string {
  const roleNames = new Map(roles.data.map((r) => [r.id, r.name]));
  return layout({
    title: `${entityName(entity)} · ${project.name}`,
    session: s,
    nav: 'projects',
    body: html`${projectHeader(project, 'entities')}
<h2>${entityName(entity)}</h2>
<dl class="kv"><dt>Id</dt><dd><code>${entity.id}</code></dd><dt>Type</dt><dd>${entity.type}</dd><dt>Status</dt><dd>${entity.status}</dd><dt>Email</dt><dd>${entity.email ?? '—'}</dd></dl>
<h2>Users</h2>
${
  users.data.length
    ? html`<div class="table-wrap"><table><thead><tr><th scope="col">Login</th><th scope="col">Name</th><th scope="col">Role</th><th scope="col">Status</th></tr></thead>
<tbody>${users.data.map(
        (u) => html`<tr><td>${u.login}</td><td>${[u.first_name, u.last_name].filter(Boolean).join(' ')}</td><td>${u.role_id ? (roleNames.get(u.role_id) ?? u.role_id) : '—'}</td><td>${u.status}</td></tr>`,
      )}</tbody></table></div>`
    : html`<p>No users.</p>`
}
<h2>Roles</h2>
${
  roles.data.length
    ? html`<div class="table-wrap"><table><thead><tr><th scope="col">Name</th><th scope="col">Permissions</th><th scope="col">Status</th></tr></thead>
<tbody>${roles.data.map((r) => html`<tr><td>${r.name}</td><td>${permissionsSummary(r.permissions.objects)}</td><td>${r.status}</td></tr>`)}</tbody></table></div>`
    : html`<p>No roles.</p>`
}`,
  });
}

function permissionsSummary(objects: unknown[]): Html {
  const items = objects.flatMap((o) => {
    const ob = o as { object_type?: string; actions?: Array<{ action_name?: string; permission?: string }> };
    return (ob.actions ?? []).map((a) => `${ob.object_type}.${a.action_name}: ${a.permission}`);
  });
  return items.length ? html`<ul>${items.map((i) => html`<li><code>${i}</code></li>`)}</ul>` : html`<span class="muted">none</span>`;
}

export interface AuditFilterValues {
  type: string;
  since: string;
  until: string;
}

export function auditPage(s: PageSession, project: PortalProjectView, page: AuditLogsPage, filters: AuditFilterValues): string {
  const base = `/projects/${encodeURIComponent(project.project_id)}/audit`;
  const kept = new URLSearchParams(Object.entries(filters).filter(([, v]) => v) as Array<[string, string]>).toString();
  return layout({
    title: `Audit trail · ${project.name}`,
    session: s,
    nav: 'projects',
    body: html`${projectHeader(project, 'audit')}
<form method="get" action="${base}" class="filters">
<div><label for="type">Entries</label><select id="type" name="type">${[
      ['', 'all'],
      ['request', 'API requests'],
      ['response', 'API responses'],
    ].map(([v, l]) => html`<option value="${v}"${filters.type === v ? html` selected` : ''}>${l}</option>`)}</select></div>
<div><label for="since">From (UTC)</label><input id="since" name="since" type="datetime-local" value="${filters.since}"></div>
<div><label for="until">Until (UTC)</label><input id="until" name="until" type="datetime-local" value="${filters.until}"></div>
<div><button type="submit" class="secondary">Filter</button></div>
</form>
${
  page.data.length
    ? html`<div class="table-wrap"><table><thead><tr><th scope="col">When</th><th scope="col">What</th><th scope="col">Who</th><th scope="col">Details</th></tr></thead>
<tbody>${page.data.map(
        (e) => html`<tr><td>${when(e.timestamp)}</td><td>${e.type === 'event' ? html`<code>${e.kind ?? 'event'}</code>` : html`${e.method ?? ''} <code>${e.path ?? ''}</code> ${e.status_code ?? ''}`}</td>
<td>${actorOf(e.details) ?? e.client_id ?? e.entity_user_id ?? '—'}</td><td>${e.details ? html`<code>${JSON.stringify(e.details).slice(0, 300)}</code>` : ''}</td></tr>`,
      )}</tbody></table></div>${pager(base, page, kept)}`
    : html`<p>No entries match.</p>`
}`,
  });
}

function actorOf(details: Record<string, unknown> | null): string | undefined {
  const actor = details?.actor as { email?: unknown } | undefined;
  return typeof actor?.email === 'string' ? actor.email : undefined;
}
