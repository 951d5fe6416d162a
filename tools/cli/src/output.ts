import type {
  MemberCreated,
  PartnerView,
  CredentialsCreatedResponse,
  CredentialView,
  KeysRotateResponse,
  ProjectTokensRevokedEvent,
  ProjectView,
} from '@gatehouse/contracts';

/** Where the CLI writes: process.stdout/stderr, or buffers in tests. */
export interface Io {
  out(text: string): void;
  err(text: string): void;
}

export const processIo: Io = {
  out: (text) => void process.stdout.write(text),
  err: (text) => void process.stderr.write(text),
};

export const SHOWN_ONCE = 'shown once: store it now, it cannot be retrieved later';

/** With --json: exactly one JSON object and a newline on stdout. */
export function writeJson(io: Io, value: object): void {
  io.out(JSON.stringify(value) + '\n');
}

export function writeText(io: Io, text: string): void {
  io.out(text.endsWith('\n') ? text : text + '\n');
}

/** Errors go to stderr; with --json the same error is also the one object on stdout. */
export function writeError(io: Io, json: boolean, code: string, message: string, hint?: string): void {
  io.err(`error: ${message}\n${hint ? hint + '\n' : ''}`);
  if (json) writeJson(io, { error: { code, message } });
}

export function formatCredentialsCreated(c: CredentialsCreatedResponse): string {
  return [
    `Client credentials for project ${c.project_id}:`,
    `  client_id:     ${c.client_id}`,
    `  client_secret: ${c.client_secret}`,
    `The client secret is ${SHOWN_ONCE}.`,
  ].join('\n');
}

export function formatProjectCreated(p: ProjectView, c: CredentialsCreatedResponse): string {
  return [`Project created: ${p.project_id} (${p.name})`, '', formatCredentialsCreated(c)].join('\n');
}

export function formatProjects(projects: ProjectView[]): string {
  if (projects.length === 0) return 'No projects yet. Create one: npm run cli -- project create --name <name>';
  return table(
    ['PROJECT ID', 'CREATED', 'NAME'],
    projects.map((p) => [p.project_id, p.created_at, p.name]),
  );
}

export function formatCredentials(projectId: string, credentials: CredentialView[], now = Date.now()): string {
  if (credentials.length === 0) {
    return (
      `No credentials in project ${projectId}. ` +
      `Create a pair: npm run cli -- credentials create --project ${projectId}`
    );
  }
  return table(
    ['CLIENT ID', 'NAME', 'CREATED', 'BY', 'LAST USED', 'STATUS'],
    credentials.map((c) => [c.client_id, c.name ?? '-', c.created_at, c.created_by ?? '-', c.last_used_at ?? 'never', credentialStatus(c, now)]),
  );
}

/** Revoked, expired (a roll's overlap is over), expiring (a roll set its end), or active. */
export function credentialStatus(c: CredentialView, now: number): string {
  if (c.revoked_at) return `revoked ${c.revoked_at}`;
  if (c.expires_at) return Date.parse(c.expires_at) <= now ? `expired ${c.expires_at}` : `active, expires ${c.expires_at}`;
  return 'active';
}

export function formatPartners(partners: PartnerView[]): string {
  if (partners.length === 0) return 'No partners yet. Create one: npm run cli -- partners create --name <name>';
  return table(
    ['PARTNER ID', 'CREATED', 'NAME'],
    partners.map((p) => [p.partner_id, p.created_at, p.name]),
  );
}

export function formatMemberCreated(m: MemberCreated): string {
  const lines = [`Member ${m.email} (${m.role}) of partner ${m.partner_id}: ${m.member_id}`];
  if (m.password) lines.push(`  password: ${m.password}`, `The password is ${SHOWN_ONCE} (the member can sign in to the portal with it).`);
  return lines.join('\n');
}

export function formatRevoked(c: CredentialView): string {
  return `Client ${c.client_id} (project ${c.project_id}) is revoked${c.revoked_at ? ` since ${c.revoked_at}` : ''}.`;
}

export function formatTokensRevoked(r: ProjectTokensRevokedEvent): string {
  return `Every token of project ${r.project_id} issued before ${new Date(r.not_before * 1000).toISOString()} is refused from now on; the pairs still mint new ones.`;
}

export function formatKeysRotated(k: KeysRotateResponse): string {
  return `Signing key rotated: new tokens are signed with key ${k.kid} (created ${k.created_at}).`;
}

/** Left-aligned columns separated by two spaces; the last column is not padded. */
export function table(header: string[], rows: string[][]): string {
  const all = [header, ...rows];
  const widths = header.map((_, i) => Math.max(...all.map((r) => (r[i] ?? '').length)));
  return all
    .map((r) => r.map((cell, i) => (i === r.length - 1 ? cell : cell.padEnd(widths[i]))).join('  '))
    .join('\n');
}
