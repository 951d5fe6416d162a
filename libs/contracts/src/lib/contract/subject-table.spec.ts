import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { AuthEvents, AuthSubjects, PortalSubjects } from '../auth/auth.subjects';
import { IDENTITY_INVALIDATED, IdentityEvents, IdentitySubjects } from '../identity/identity.subjects';
import { PolicySubjects } from '../policy/policy.subjects';
import { AuditEvents, AuditSubjects } from '../audit/audit.subjects';
import { NATS_PARTIES, NatsParty, SUBJECT_TABLE, SubjectContract } from './subject-table';

const ROOT = join(__dirname, '..', '..', '..', '..', '..');

/** NATS subject matching: `*` is one token, `>` one or more at the end. */
export function matches(pattern: string, subject: string): boolean {
  const p = pattern.split('.');
  const s = subject.split('.');
  for (let i = 0; i < p.length; i++) {
    if (p[i] === '>') return s.length > i;
    if (i >= s.length || (p[i] !== '*' && p[i] !== s[i])) return false;
  }
  return p.length === s.length;
}

/** Each user's publish and subscribe allow lists, as the config file writes them. */
function natsPermissions(conf: string): Map<string, { publish: string[]; subscribe: string[] }> {
  const out = new Map<string, { publish: string[]; subscribe: string[] }>();
  const blocks = conf.split(/\n\s*user:\s*/).slice(1);
  for (const block of blocks) {
    const user = block.split(/\s/)[0];
    const list = (kind: string) => {
      const m = new RegExp(`${kind}:\\s*\\{\\s*allow:\\s*\\[([^\\]]*)\\]`).exec(block);
      return m ? [...m[1].matchAll(/"([^"]+)"/g)].map((x) => x[1]) : [];
    };
    out.set(user, { publish: list('publish'), subscribe: list('subscribe') });
  }
  return out;
}

/** Replies (own inboxes) and the JetStream API are not subjects of the table. */
const plumbing = (entry: string) => entry.startsWith('_INBOX') || entry.startsWith('$JS.') || entry.startsWith('$KV.');

describe('the subject table', () => {
  it('lists every subject constant once', () => {
    const constants = [...Object.values(AuthSubjects), ...Object.values(PortalSubjects), ...Object.values(AuthEvents), ...Object.values(IdentitySubjects), IDENTITY_INVALIDATED, ...Object.values(IdentityEvents), ...Object.values(PolicySubjects), ...Object.values(AuditSubjects), ...Object.values(AuditEvents)];
    const listed = SUBJECT_TABLE.map((c) => c.subject);
    expect(new Set(listed).size).toBe(listed.length);
    expect([...listed].sort()).toEqual([...constants].sort());
  });

  it('gives every request a queue group and a server, and every event an emitter', () => {
    for (const c of SUBJECT_TABLE) {
      if (c.kind === 'request') expect({ subject: c.subject, queue: c.queue, servers: c.subscribers.length }).toEqual({ subject: c.subject, queue: c.subscribers[0], servers: 1 });
      else expect({ subject: c.subject, publishers: c.publishers.length }).toEqual({ subject: c.subject, publishers: 1 });
    }
  });
});

describe('the subject table and the broker permissions (deploy/nats/nats-server.conf) agree', () => {
  const perms = natsPermissions(readFileSync(join(ROOT, 'deploy', 'nats', 'nats-server.conf'), 'utf8'));

  it('has a user for every party, and no other', () => {
    expect([...perms.keys()].sort()).toEqual([...NATS_PARTIES].sort());
  });

  const sides: Array<['publish' | 'subscribe', (c: SubjectContract) => readonly NatsParty[]]> = [
    ['publish', (c) => c.publishers],
    ['subscribe', (c) => c.subscribers],
  ];
  for (const party of NATS_PARTIES) {
    for (const [side, who] of sides) {
      it(`${party} may ${side} exactly what the table says`, () => {
        const allow = (perms.get(party)?.[side] ?? []).filter((e) => !plumbing(e));
        const allowed = SUBJECT_TABLE.filter((c) => allow.some((e) => matches(e, c.subject))).map((c) => c.subject).sort();
        const table = SUBJECT_TABLE.filter((c) => who(c).includes(party)).map((c) => c.subject).sort();
        expect(allowed).toEqual(table);
        // No entry that grants nothing the table knows (a stale or misspelt line).
        expect(allow.filter((e) => !SUBJECT_TABLE.some((c) => matches(e, c.subject)))).toEqual([]);
      });
    }
  }

  it('lets exactly the servers of requests answer them (allow_responses)', () => {
    const conf = readFileSync(join(ROOT, 'deploy', 'nats', 'nats-server.conf'), 'utf8');
    const answering = conf
      .split(/\n\s*user:\s*/)
      .slice(1)
      .filter((b) => /allow_responses:\s*true/.test(b))
      .map((b) => b.split(/\s/)[0])
      .sort();
    const servers = [...new Set(SUBJECT_TABLE.filter((c) => c.kind === 'request').flatMap((c) => c.subscribers))].sort();
    expect(answering).toEqual(servers);
  });
});

/** `a.{b,c}.d` → `a.b.d`, `a.c.d` (nested groups too). */
function expand(pattern: string): string[] {
  const m = /\{([^{}]*)\}/.exec(pattern);
  if (!m) return [pattern];
  return m[1].split(',').flatMap((alt) => expand(pattern.slice(0, m.index) + alt + pattern.slice(m.index + m[0].length)));
}

const PARTY = /\b(gateway|auth|identity|policy|audit|cli|portal)\b/gi;
const partiesIn = (text: string) => [...new Set([...text.replace(/`[^`]*`/g, '').matchAll(PARTY)].map((m) => m[1].toLowerCase()))].sort();

describe('the subject table and docs/ARCHITECTURE.md ("NATS subjects") agree', () => {
  const doc = readFileSync(join(ROOT, 'docs', 'ARCHITECTURE.md'), 'utf8');
  const section = doc.slice(doc.indexOf('## NATS subjects'), doc.indexOf('\n## ', doc.indexOf('## NATS subjects') + 5));
  const rows = section
    .split('\n')
    .filter((l) => l.startsWith('| `'))
    .map((l) => {
      const [subjects, kind, flow] = l.slice(1, -1).split(' | ').map((x) => x.trim());
      const names = [...subjects.matchAll(/`([^`]+)`/g)].flatMap((m) => expand(m[1]));
      const [from, to] = flow.split('→');
      return { names, kind, from, to: to ?? '' };
    });

  it('names every subject of the table, and no other', () => {
    const named = rows.flatMap((r) => r.names).sort();
    expect(named).toEqual(SUBJECT_TABLE.map((c) => c.subject).sort());
  });

  it('gives each subject its kind, queue group, publishers and subscribers', () => {
    const wrong: string[] = [];
    for (const row of rows) {
      const contracts = row.names.map((n) => SUBJECT_TABLE.find((c) => c.subject === n)).filter((c): c is SubjectContract => !!c);
      const kind = row.kind.startsWith('request') ? 'request' : row.kind.startsWith('broadcast') ? 'broadcast' : row.kind.startsWith('JetStream') ? 'stream event' : row.kind;
      const queue = /queue `([^`]+)`/.exec(row.kind)?.[1];
      const from = [...new Set(contracts.flatMap((c) => c.publishers))].sort();
      const to = [...new Set(contracts.flatMap((c) => c.subscribers))].sort();
      for (const c of contracts) {
        if (c.kind !== kind) wrong.push(`${c.subject}: kind ${kind} in the document, ${c.kind} in the table`);
        if (queue !== undefined && c.queue !== queue) wrong.push(`${c.subject}: queue ${queue} in the document, ${c.queue} in the table`);
      }
      if (partiesIn(row.from).join() !== from.join()) wrong.push(`${row.names[0]}…: from ${partiesIn(row.from)} in the document, ${from} in the table`);
      if (partiesIn(row.to).join() !== to.join()) wrong.push(`${row.names[0]}…: to ${partiesIn(row.to)} in the document, ${to} in the table`);
    }
    expect(wrong).toEqual([]);
  });
});
