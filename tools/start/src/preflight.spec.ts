import { freePort } from '@gatehouse/supervisor';
import { checkDependencies, redactUrl } from './preflight';

describe('preflight', () => {
  it('hides passwords in URLs', () => {
    expect(redactUrl('postgres://u:secret@db:5432/x')).toBe('postgres://u:***@db:5432/x');
    expect(redactUrl('postgres://postgres@127.0.0.1:5432/x')).toBe('postgres://postgres@127.0.0.1:5432/x');
    expect(redactUrl('nats://127.0.0.1:4222')).toBe('nats://127.0.0.1:4222');
  });

  it('says which dependency is unreachable and how to start it', async () => {
    const [pgPort, natsPort] = await Promise.all([freePort(), freePort()]);
    const problems = await checkDependencies({
      nats: { url: `nats://127.0.0.1:${natsPort}` },
      databases: [
        { urlVar: 'AUTH_DATABASE_URL', url: `postgres://u:pw@127.0.0.1:${pgPort}/gatehouse_auth` },
        // Same server: checked once.
        { urlVar: 'IDENTITY_DATABASE_URL', url: `postgres://u:pw@127.0.0.1:${pgPort}/gatehouse_identity` },
      ],
    });

    expect(problems).toHaveLength(2);
    expect(problems[0]).toMatch(new RegExp(`^PostgreSQL is not reachable at 127\\.0\\.0\\.1:${pgPort}`));
    expect(problems[0]).toContain('docker run');
    expect(problems[0]).toContain('AUTH_DATABASE_URL');
    expect(problems[0]).not.toContain('pw@');
    expect(problems[1]).toMatch(new RegExp(`^NATS is not reachable at 127\\.0\\.0\\.1:${natsPort}`));
    expect(problems[1]).toContain('nats-server');
    expect(problems[1]).toContain('NATS_URL');
  });
});
