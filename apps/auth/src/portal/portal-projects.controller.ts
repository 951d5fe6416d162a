import { Controller, Inject, UseFilters } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import {
  ErrorCodes,
  KeysRotateResponse,
  PortalAccess,
  PortalCredentialCreated,
  PortalCredentialRolled,
  PortalCredentialsCreateRequest,
  PortalCredentialsListResponse,
  PortalCredentialsRevokeRequest,
  PortalCredentialsRollRequest,
  PortalCredentialView,
  PortalKeysListResponse,
  PortalProjectCreateRequest,
  PortalProjectRenameRequest,
  PortalProjectRequest,
  PortalProjectsListRequest,
  PortalProjectsListResponse,
  PortalProjectView,
  PortalSettingsUpdateRequest,
  PortalSubjects,
  ProjectSettings,
  ROLL_OVERLAP_MAX_DAYS,
  SettingsUpdateRequest,
} from '@gatehouse/contracts';
import { RpcError, RpcLoggingFilter, validateSettingsPatch } from '@gatehouse/platform';
import { AuditTrailService } from '../audit/audit-trail.service';
import { AUTH_CONFIG, AuthConfig } from '../config';
import { CredentialsService } from '../credentials/credentials.service';
import { KeysService } from '../keys/keys.service';
import { ProjectsService } from '../projects/projects.service';
import { SessionsService } from '../sessions/sessions.service';
import { actorOf, PortalAccessService, ProjectAccess } from './portal-access.service';


/**
 * Portal subjects about a partner's projects: the projects, their settings,
 * credential pairs and the signing keys. Each one checks session → member →
 * partner → project → role (PortalAccessService) before anything else, and each
 * change is recorded in the project's trail with the member as the actor.
 */
@Controller()
@UseFilters(RpcLoggingFilter)
export class PortalProjectsController {
  private readonly rotationMinMs: number;

  constructor(
    private readonly access: PortalAccessService,
    private readonly projects: ProjectsService,
    private readonly credentials: CredentialsService,
    private readonly keys: KeysService,
    private readonly sessions: SessionsService,
    private readonly trail: AuditTrailService,
    @Inject(AUTH_CONFIG) config: Pick<AuthConfig, 'AUTH_PORTAL_KEY_ROTATION_MIN_MINUTES'>,
  ) {
    this.rotationMinMs = config.AUTH_PORTAL_KEY_ROTATION_MIN_MINUTES * 60_000;
  }

  @MessagePattern(PortalSubjects.projectsList)
  async list(@Payload() req: PortalProjectsListRequest): Promise<PortalProjectsListResponse> {
    const { partner } = await this.access.member(req.session_token);
    return { projects: await this.projects.listOfPartner(partner.id, req.include_archived === true) };
  }

  @MessagePattern(PortalSubjects.projectsCreate)
  async create(@Payload() req: PortalProjectCreateRequest): Promise<PortalProjectView> {
    const signedIn = await this.access.member(req.session_token, 'write');
    const created = await this.projects.create(req.name, signedIn.partner.id);
    this.trail.record('project.created', { projectId: created.project_id, details: { actor: actorOf(signedIn), name: created.name } });
    return { ...created, archived_at: null };
  }

  @MessagePattern(PortalSubjects.projectsRename)
  async rename(@Payload() req: PortalProjectRenameRequest): Promise<PortalProjectView> {
    const a = await this.access.project(req.session_token, req.project_id, 'write');
    const renamed = await this.projects.rename(a.project.id, req.name);
    this.trail.record('project.renamed', { projectId: a.project.id, details: { actor: actorOf(a), before: a.project.name, after: renamed.name } });
    return renamed;
  }

  /** An archived project mints nothing from now on (its pairs are `invalid_client`) and leaves the default list. */
  @MessagePattern(PortalSubjects.projectsArchive)
  async archive(@Payload() req: PortalProjectRequest): Promise<PortalProjectView> {
    const a = await this.access.project(req.session_token, req.project_id, 'write');
    const archived = await this.projects.archive(a.project.id);
    this.trail.record('project.archived', { projectId: a.project.id, details: { actor: actorOf(a) } });
    return archived;
  }

  @MessagePattern(PortalSubjects.settingsGet)
  async settings(@Payload() req: PortalProjectRequest): Promise<ProjectSettings> {
    const a = await this.access.project(req.session_token, req.project_id, 'read');
    return this.projects.settings(a.project.id);
  }

  /** Validated exactly as PATCH /v1/settings validates its body (the same validator), then applied as the gateway's update is. */
  @MessagePattern(PortalSubjects.settingsUpdate)
  async updateSettings(@Payload() req: PortalSettingsUpdateRequest): Promise<ProjectSettings> {
    const a = await this.access.project(req.session_token, req.project_id, 'write');
    const issues = validateSettingsPatch(req.settings);
    if (issues.length) {
      throw new RpcError(
        ErrorCodes.invalidRequest,
        'The settings are not valid',
        issues.map((i) => ({ path: ['settings', ...i.loc.filter((p, n) => !(n === 0 && p === 'body'))], message: i.msg })),
      );
    }
    const before = this.trail.enabled ? await this.projects.settings(a.project.id) : null;
    const after = await this.projects.updateSettings(a.project.id, req.settings as SettingsUpdateRequest['patch']);
    this.trail.record('settings.updated', { projectId: a.project.id, details: { actor: actorOf(a), before, after } });
    return after;
  }

  @MessagePattern(PortalSubjects.credentialsList)
  async credentialsList(@Payload() req: PortalProjectRequest): Promise<PortalCredentialsListResponse> {
    const a = await this.access.project(req.session_token, req.project_id, 'read');
    return { credentials: await this.credentials.list(a.project.id) };
  }

  /** The secret is in this answer only (never stored, never in the trail). */
  @MessagePattern(PortalSubjects.credentialsCreate)
  async credentialsCreate(@Payload() req: PortalCredentialsCreateRequest): Promise<PortalCredentialCreated> {
    const a = await this.access.project(req.session_token, req.project_id, 'write');
    mintable(a);
    const created = await this.credentials.create(a.project.id, { name: req.name, createdBy: a.member.email });
    this.trail.record('credentials.created', { projectId: a.project.id, clientId: created.client_id, details: { actor: actorOf(a), client_id: created.client_id, name: created.name } });
    return created;
  }

  /**
   * A new pair (same name) that works at once; the old pair works until
   * `old_expires_at` (from now to 30 days ahead) and is refused from then on.
   */
  @MessagePattern(PortalSubjects.credentialsRoll)
  async credentialsRoll(@Payload() req: PortalCredentialsRollRequest): Promise<PortalCredentialRolled> {
    const a = await this.access.project(req.session_token, req.project_id, 'write');
    mintable(a);
    const until = new Date(req.old_expires_at);
    const now = this.sessions.now();
    // A minute of slack: "now" as the browser sent it is a little in the past here.
    if (!(until.getTime() >= now - 60_000 && until.getTime() <= now + ROLL_OVERLAP_MAX_DAYS * 86_400_000)) {
      throw new RpcError(ErrorCodes.invalidRequest, `old_expires_at must be from now to ${ROLL_OVERLAP_MAX_DAYS} days ahead`, [
        { path: ['old_expires_at'], message: `From now to ${ROLL_OVERLAP_MAX_DAYS} days ahead` },
      ]);
    }
    const rolled = await this.credentials.roll(a.project.id, req.client_id, new Date(Math.max(until.getTime(), now)), a.member.email);
    this.trail.record('credentials.rolled', {
      projectId: a.project.id,
      clientId: rolled.client_id,
      details: { actor: actorOf(a), client_id: rolled.client_id, previous_client_id: rolled.previous.client_id, previous_expires_at: rolled.previous.expires_at },
    });
    return rolled;
  }

  /** At once: the pair mints no more and every token it minted ends (the revocation broadcast). */
  @MessagePattern(PortalSubjects.credentialsRevoke)
  async credentialsRevoke(@Payload() req: PortalCredentialsRevokeRequest): Promise<PortalCredentialView> {
    const a = await this.access.project(req.session_token, req.project_id, 'write');
    const pair = await this.credentials.requireOfProject(a.project.id, req.client_id);
    await this.credentials.revoke(pair.clientId);
    this.trail.record('credentials.revoked', { projectId: a.project.id, clientId: pair.clientId, details: { actor: actorOf(a), client_id: pair.clientId } });
    return (await this.credentials.list(a.project.id)).find((c) => c.client_id === pair.clientId) as PortalCredentialView;
  }

  @MessagePattern(PortalSubjects.keysList)
  async keysList(@Payload() req: PortalProjectRequest): Promise<PortalKeysListResponse> {
    await this.access.project(req.session_token, req.project_id, 'read');
    return { keys: this.keys.list() };
  }

  /** The deployment's keys sign every project's tokens: a portal rotation waits AUTH_PORTAL_KEY_ROTATION_MIN_MINUTES after the last one. */
  @MessagePattern(PortalSubjects.keysRotate)
  async keysRotate(@Payload() req: PortalProjectRequest): Promise<KeysRotateResponse> {
    const a = await this.access.project(req.session_token, req.project_id, 'write');
    const since = this.keys.activeSince();
    if (since && this.sessions.now() - since.getTime() < this.rotationMinMs) {
      throw new RpcError(ErrorCodes.conflict, `The signing key was made less than ${this.rotationMinMs / 60_000} minutes ago: try again later`);
    }
    const rotated = await this.keys.rotate();
    this.trail.record('keys.rotated', { projectId: a.project.id, details: { actor: actorOf(a), kid: rotated.kid } });
    return rotated;
  }

  /** For the portal, before it asks identity or audit about this project for the member: may they read it? */
  @MessagePattern(PortalSubjects.accessCheck)
  async check(@Payload() req: PortalProjectRequest): Promise<PortalAccess> {
    const a = await this.access.project(req.session_token, req.project_id, 'read');
    return { partner_id: a.partner.id, project_id: a.project.id, member_id: a.member.id, email: a.member.email, role: a.member.role };
  }
}

/** An archived project gets no new pair. */
function mintable(a: ProjectAccess): void {
  if (a.project.archivedAt) throw new RpcError(ErrorCodes.conflict, 'The project is archived: it mints nothing');
}
