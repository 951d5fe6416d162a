import type { PortalProjectView } from '@gatehouse/contracts';
import { html, Html } from '../http/html';

export type ProjectTab = 'overview' | 'settings' | 'credentials' | 'keys' | 'entities' | 'audit';

const TABS: Array<[ProjectTab, string, string]> = [
  ['overview', '', 'Overview'],
  ['settings', '/settings', 'Settings'],
  ['credentials', '/credentials', 'Credentials'],
  ['keys', '/keys', 'Signing keys'],
  ['entities', '/entities', 'Entities'],
  ['audit', '/audit', 'Audit trail'],
];

/** The project's heading and its sections. */
export function projectHeader(project: Pick<PortalProjectView, 'project_id' | 'name' | 'archived_at'>, current: ProjectTab): Html {
  const base = `/projects/${encodeURIComponent(project.project_id)}`;
  return html`<p class="muted"><a href="/projects">Projects</a> /</p>
<h1>${project.name}${project.archived_at ? html` <span class="badge">archived</span>` : ''}</h1>
<nav class="sub" aria-label="Project"><ul>${TABS.map(
    ([tab, path, label]) => html`<li><a href="${base + path}"${tab === current ? html` aria-current="page"` : ''}>${label}</a></li>`,
  )}</ul></nav>`;
}

/** Roles that may change projects, settings, pairs and keys. */
export function canWrite(role: string): boolean {
  return role === 'owner' || role === 'developer';
}
