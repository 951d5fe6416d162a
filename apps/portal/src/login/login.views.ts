import { html } from '../http/html';
import { csrfField, layout, notice } from '../http/layout';

export function loginPage(csrf: string, opts: { email?: string; error?: string } = {}): string {
  return layout({
    title: 'Sign in',
    body: html`<h1>Sign in to the Partner Portal</h1>
${opts.error ? notice('error', opts.error) : ''}
<form class="stack" method="post" action="/login">
${csrfField(csrf)}
<div><label for="email">Email</label><input id="email" name="email" type="email" autocomplete="username" required value="${opts.email ?? ''}"></div>
<div><label for="password">Password</label><input id="password" name="password" type="password" autocomplete="current-password" required></div>
<div><button type="submit">Sign in</button></div>
</form>
<p class="muted">No account? Ask an owner of your organisation for an invite link.</p>`,
  });
}

export function totpPage(csrf: string, error?: string): string {
  return layout({
    title: 'Two-step verification',
    body: html`<h1>Two-step verification</h1>
${error ? notice('error', error) : ''}
<form class="stack" method="post" action="/login/totp">
${csrfField(csrf)}
<div><label for="code">Code from your authenticator app, or a recovery code</label>
<input id="code" name="code" type="text" inputmode="numeric" autocomplete="one-time-code" required aria-describedby="code-hint">
<p id="code-hint" class="hint">Six digits. A recovery code works once.</p></div>
<div><button type="submit">Verify</button></div>
</form>
<form class="inline" method="post" action="/logout">${csrfField(csrf)}<button type="submit" class="link">Cancel and sign out</button></form>`,
  });
}

export function brakedPage(seconds: number): string {
  const minutes = Math.max(1, Math.ceil(seconds / 60));
  return layout({
    title: 'Too many attempts',
    body: html`<h1>Too many attempts</h1>${notice('error', `Too many failed sign-ins. Try again in ${minutes} minute${minutes === 1 ? '' : 's'}.`)}<p><a href="/login">Back to sign in</a></p>`,
  });
}
