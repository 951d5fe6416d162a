import { randomUUID } from 'node:crypto';
import type { Msg, Subscription } from 'nats';
import {
  AuthSubjects,
  CheckResponse,
  EffectiveRoleResponse,
  ErrorCodes,
  IdentitySubjects,
  PolicyStateResponse,
  PolicySubjects,
  ProjectSettings,
  requestContract,
  SUBJECT_TABLE,
} from '@gatehouse/contracts';
import { createLogger, hostilePayloadsNotRefused, NatsService, RemoteError, requestChecked } from '@gatehouse/platform';
import { buildWorkspace, LoneService, startLoneService } from '@gatehouse/supervisor';

/**
 * policy alone, compiled, on the real NATS (a subject prefix of its own),
 * driven only through its subjects; the test answers what policy asks of
 * identity and auth, and holds those questions to their contracts too. Every
 * subject policy serves refuses every hostile payload with `invalid_request`
 * (never a crash, never `internal`), then still answers a good question.
 */
const SERVED = SUBJECT_TABLE.filter((c) => c.kind === 'request' && c.subscribers.includes('policy')).map((c) => c.subject);

describe('policy alone, through its NATS subjects', () => {
  let svc: LoneService;
  let nats: NatsService;
  const subs: Subscription[] = [];
  /** Questions policy asked that break their contract. */
  const badQuestions: string[] = [];
  const projectId = randomUUID();
  const entityId = randomUUID();
  const userId = randomUUID();

  /** Plays the service that owns `subject`: checks policy's question against the contract, answers `answer`. */
  function play(subject: string, answer: unknown): void {
    const contract = requestContract(subject);
    subs.push(
      nats.connection.subscribe(nats.subject(subject), {
        callback: (_err: unknown, msg: Msg) => {
          const packet = JSON.parse(Buffer.from(msg.data).toString('utf8')) as { id: string; data: unknown };
          const asked = contract.request.safeParse(packet.data);
          if (!asked.success) badQuestions.push(`${subject}: ${asked.error.message}`);
          msg.respond(Buffer.from(JSON.stringify({ response: contract.reply.parse(answer), isDisposed: true, id: packet.id })));
        },
      }),
    );
  }

  beforeAll(async () => {
    buildWorkspace();
    svc = await startLoneService('policy');
    nats = await NatsService.connect({ url: svc.natsUrl, name: 'policy-contract-test', prefix: svc.prefix, requestTimeoutMs: 10_000, logger: createLogger('test', 'silent') });
    const state: PolicyStateResponse = {
      entity: { id: entityId, project_id: projectId, status: 'active', default_role_id: null, settings_version: 1, version: 1 },
      user: { id: userId, entity_id: entityId, status: 'active', role_id: null, created_by_entity_user_id: null, version: 1 },
      roles: [],
    };
    const settings: ProjectSettings = { access_token_ttl: 1_800, default_role: null };
    play(IdentitySubjects.policyStateGet, state);
    play(AuthSubjects.settingsGet, settings);
    await nats.flush();
  }, 180_000);

  afterAll(async () => {
    for (const s of subs) s.unsubscribe();
    await nats?.close();
    await svc?.stop();
  });

  const userPrincipal = { kind: 'entity_user', project_id: projectId, entity_id: entityId, entity_user_id: userId };
  const check = { principal: userPrincipal, object_type: 'entity_user', action: 'read' };
  /** A valid question per subject, with only its required fields (so dropping any one makes it invalid). */
  const GOOD: Record<string, unknown> = {
    [PolicySubjects.check]: check,
    [PolicySubjects.checkBatch]: { checks: [check, { principal: { kind: 'partner', project_id: projectId }, object_type: 'role', action: 'create' }] },
    [PolicySubjects.effectiveRole]: { principal: userPrincipal },
  };

  it('has a valid question for every subject it serves, and serves every subject the table gives it', () => {
    expect(Object.keys(GOOD).sort()).toEqual([...SERVED].sort());
  });

  it.each(SERVED)('%s: every hostile payload is invalid_request; then a good question is answered within the contract', async (subject) => {
    expect(await hostilePayloadsNotRefused(nats, subject, GOOD[subject])).toEqual([]);
    await expect(requestChecked(nats, subject, GOOD[subject])).resolves.toBeDefined();
  });

  it('decides from the state identity answered (a user without a role is denied), asking within the contracts', async () => {
    const decision = await requestChecked<CheckResponse>(nats, PolicySubjects.check, check);
    expect(decision.allowed).toBe(false);
    const role = await requestChecked<EffectiveRoleResponse>(nats, PolicySubjects.effectiveRole, { principal: userPrincipal });
    expect(role).toMatchObject({ source: 'none', role_id: null, active: true });
    expect(badQuestions).toEqual([]);
  });

  it('refuses a principal that is not whole, naming where', async () => {
    const err = await nats.request(PolicySubjects.check, { ...check, principal: { kind: 'entity_user', project_id: projectId } }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RemoteError);
    expect((err as RemoteError).body).toMatchObject({ code: ErrorCodes.invalidRequest, details: [expect.objectContaining({ path: ['principal'] })] });
  });

  it('is still up and ready after all of it, having logged no error', async () => {
    expect(svc.process.exitStatus).toBeUndefined();
    expect((await fetch(svc.readyUrl)).status).toBe(200);
    expect(svc.lines.filter((l) => /"level":(50|60)/.test(l))).toEqual([]);
  });
});
