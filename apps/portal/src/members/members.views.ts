import type { PortalInviteCreated, PortalInviteInfo, PortalMembersListResponse } from '@gatehouse/contracts';
import { MEMBER_ROLES, PASSWORD_MIN } from '@gatehouse/contracts';
import { html } from '../http/html';
import { copyable, csrfField, layout, notice, PageSession, when } from '../http/layout';

export function membersPage(s: PageSession, list: PortalMembersListResponse, inviteUrl?: { url: string; invite: PortalInviteCreated }, note?: string): string {
  const owner = s.view.member.role === 'owner';
  return layout({
    title: 'Members',
    session: s,
    nav: 'members',
    body: html`<h1>Members of ${s.view.partner.name}</h1>
${note ? notice('ok', note) : ''}
${
  inviteUrl
    ? html`<section class="notice warn" aria-labelledby="invite-link"><h2 id="invite-link">Invite link (${inviteUrl.invite.role})</h2>
<p><strong>The link is shown only once and works once.</strong> Send it to the person you invite. It expires ${when(inviteUrl.invite.expires_at)}.</p>
${copyable('invite-url', inviteUrl.url, 'Copy the link')}</section>`
    : ''
}
<div class="table-wrap"><table><thead><tr><th scope="col">Email</th><th scope="col">Role</th><th scope="col">Two-step</th><th scope="col">Since</th>${owner ? html`<th scope="col">Actions</th>` : ''}</tr></thead>
<tbody>${list.members.map(
      (m) => html`<tr><td>${m.email}${m.id === s.view.member.id ? html` <span class="badge">you</span>` : ''}</td><td>${m.role}</td><td>${m.totp_enabled ? 'on' : 'off'}</td><td>${when(m.created_at)}</td>${
        owner
          ? html`<td>${
              m.id === s.view.member.id
                ? ''
                : html`<form method="post" action="/members/remove" data-confirm="${`Remove ${m.email}? Their sessions end at once.`}">${csrfField(s.csrf)}<input type="hidden" name="member_id" value="${m.id}"><button type="submit" class="danger">Remove</button></form>`
            }</td>`
          : ''
      }</tr>`,
    )}</tbody></table></div>
${
  owner
    ? html`${
        list.invites.length
          ? html`<h2>Open invites</h2><ul>${list.invites.map((i) => html`<li>${i.role}, made ${when(i.created_at)} by ${i.created_by ?? '—'}, expires ${when(i.expires_at)}</li>`)}</ul>`
          : ''
      }
<h2>Invite a member</h2>
<form class="stack" method="post" action="/members/invite">${csrfField(s.csrf)}
<div><label for="role">Role</label><select id="role" name="role">${MEMBER_ROLES.map((r) => html`<option value="${r}"${r === 'developer' ? html` selected` : ''}>${r}</option>`)}</select>
<p class="hint">viewer: reads only; developer: also projects, settings, credentials and keys; owner: also members.</p></div>
<div><button type="submit">Make an invite link</button></div></form>`
    : notice('info', 'Only owners invite and remove members.')
}`,
  });
}

export function invitePage(csrf: string, token: string, info: PortalInviteInfo, opts: { email?: string; error?: string } = {}): string {
  return layout({
    title: 'Accept the invite',
    body: html`<h1>Join ${info.partner_name}</h1>
<p>You are invited as <strong>${info.role}</strong>. The invite expires ${when(info.expires_at)}.</p>
${opts.error ? notice('error', opts.error) : ''}
<form class="stack" method="post" action="/invite/${encodeURIComponent(token)}">${csrfField(csrf)}
<div><label for="email">Email</label><input id="email" name="email" type="email" autocomplete="username" required value="${opts.email ?? ''}"></div>
<div><label for="password">Password</label><input id="password" name="password" type="password" autocomplete="new-password" required minlength="${PASSWORD_MIN}" aria-describedby="pw-hint"><p id="pw-hint" class="hint">At least ${PASSWORD_MIN} characters.</p></div>
<div><button type="submit">Join</button></div></form>`,
  });
}
