import { html } from '../http/html';
import { copyable, csrfField, layout, notice, PageSession } from '../http/layout';

export interface Enrolment {
  secret: string;
  qrDataUrl: string;
}

export function accountPage(s: PageSession, opts: { enrolment?: Enrolment; recoveryCodes?: string[]; note?: string; error?: string } = {}): string {
  const m = s.view.member;
  return layout({
    title: 'Account',
    session: s,
    nav: 'account',
    body: html`<h1>Your account</h1>
${opts.note ? notice('ok', opts.note) : ''}${opts.error ? notice('error', opts.error) : ''}
<dl class="kv"><dt>Email</dt><dd>${m.email}</dd><dt>Organisation</dt><dd>${s.view.partner.name}</dd><dt>Role</dt><dd>${m.role}</dd></dl>
<h2>Two-step verification</h2>
${
  opts.recoveryCodes
    ? html`<section class="notice warn" aria-labelledby="codes"><h3 id="codes">Recovery codes</h3><p><strong>These codes are shown only once.</strong> Each one signs you in once instead of a code from your app. Store them securely.</p>
${copyable('recovery-codes', opts.recoveryCodes.join('\n'), 'Copy the codes', true)}</section>`
    : ''
}
${
  m.totp_enabled
    ? html`<p>Two-step verification is <strong>on</strong>.</p>
<form class="stack" method="post" action="/account/totp/disable" data-confirm="Turn off two-step verification?">${csrfField(s.csrf)}
<div><label for="disable-code">Current code</label><input id="disable-code" name="code" type="text" inputmode="numeric" autocomplete="one-time-code" required></div>
<div><button type="submit" class="danger">Turn off</button></div></form>`
    : opts.enrolment
      ? html`<p>Scan this code with your authenticator app, or type the key, then enter the code it shows.</p>
<img class="qr" src="${opts.enrolment.qrDataUrl}" alt="QR code of your two-step verification key">
<p>Key: ${copyable('totp-secret', opts.enrolment.secret, 'Copy the key')}</p>
<form class="stack" method="post" action="/account/totp/confirm">${csrfField(s.csrf)}
<div><label for="confirm-code">Code from the app</label><input id="confirm-code" name="code" type="text" inputmode="numeric" autocomplete="one-time-code" required></div>
<div><button type="submit">Turn on</button></div></form>`
      : html`<p>Two-step verification is <strong>off</strong>.</p>
<form method="post" action="/account/totp/enroll">${csrfField(s.csrf)}<button type="submit">Set up two-step verification</button></form>`
}
<h2>Sessions</h2>
<p>Sign out of the portal on every device and browser, this one included.</p>
<form method="post" action="/account/logout-all" data-confirm="Sign out everywhere?">${csrfField(s.csrf)}<button type="submit" class="danger">Sign out everywhere</button></form>`,
  });
}
