import type { PortalProjectView, ProjectSettings } from '@gatehouse/contracts';
import { ACCESS_TOKEN_TTL_MAX, ACCESS_TOKEN_TTL_MIN } from '@gatehouse/contracts';
import { CATALOGUE } from '@gatehouse/permissions';
import { html } from '../http/html';
import { csrfField, layout, notice, PageSession } from '../http/layout';
import { canWrite, projectHeader } from '../projects/project-nav';
import { currentPermissions, PERMISSION_CHOICES, permissionField } from './default-role-form';

export function settingsPage(s: PageSession, project: PortalProjectView, settings: ProjectSettings, saved: boolean): string {
  const write = canWrite(s.view.member.role) && !project.archived_at;
  const current = currentPermissions(settings.default_role);
  const roleName = typeof settings.default_role?.name === 'string' ? settings.default_role.name : '';
  const disabled = write ? '' : html` disabled`;
  const rows = Object.entries(CATALOGUE).map(
    ([type, actions]) => html`<tr><th scope="row">${type}</th><td><div class="filters">${(actions as readonly string[]).map((action) => {
      const name = permissionField(type, action);
      const value = current.get(name) ?? '';
      return html`<div><label for="${name}">${action}</label><select id="${name}" name="${name}"${disabled}>${PERMISSION_CHOICES.map(
        ([v, label]) => html`<option value="${v}"${v === value ? html` selected` : ''}>${label}</option>`,
      )}</select></div>`;
    })}</div></td></tr>`,
  );
  return layout({
    title: `Settings · ${project.name}`,
    session: s,
    nav: 'projects',
    body: html`${projectHeader(project, 'settings')}
${saved ? notice('ok', 'Settings saved. The next token minted uses them.') : ''}
${write ? '' : notice('info', 'Your role can read these settings, not change them.')}
<form method="post" action="/projects/${encodeURIComponent(project.project_id)}/settings">${write ? csrfField(s.csrf) : ''}
<div class="stack">
<div><label for="access_token_ttl">Token lifetime (seconds)</label>
<input id="access_token_ttl" name="access_token_ttl" type="number" min="${ACCESS_TOKEN_TTL_MIN}" max="${ACCESS_TOKEN_TTL_MAX}" step="1" required value="${settings.access_token_ttl}" aria-describedby="ttl-hint"${disabled}>
<p id="ttl-hint" class="hint">From ${ACCESS_TOKEN_TTL_MIN} to ${ACCESS_TOKEN_TTL_MAX}. Tokens already issued keep their lifetime.</p></div>
<div><label for="default_role_name">Default role name (optional)</label><input id="default_role_name" name="default_role_name" type="text" maxlength="200" value="${roleName}"${disabled}></div>
</div>
<h2>Default role</h2>
<p class="hint">What an entity user without a role (and whose entity has no default role) may do. Leave every action "not set" for no default role.</p>
<div class="table-wrap"><table><thead><tr><th scope="col">Object</th><th scope="col">Actions</th></tr></thead><tbody>${rows}</tbody></table></div>
${write ? html`<button type="submit">Save settings</button>` : ''}
</form>`,
  });
}
