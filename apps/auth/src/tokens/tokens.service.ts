import { Inject, Injectable } from '@nestjs/common';
import { decode, verify } from 'jsonwebtoken';
import { randomUUID } from 'node:crypto';
import {
  AccessTokenClaims,
  canonicalId,
  GrantType,
  EntityUserLookupRequest,
  EntityUserLookupResponse,
  ErrorCodes,
  IdentitySubjects,
  isUuid,
  TokenIssueRequest,
  TokenIssueResponse,
  TokenRevokeRequest,
  TokenRevokeResponse,
} from '@gatehouse/contracts';
import { NatsService, RemoteError, RpcError } from '@gatehouse/platform';
import { AuditTrailService } from '../audit/audit-trail.service';
import { AUTH_CONFIG, AuthConfig } from '../config';
import { CredentialsService } from '../credentials/credentials.service';
import { KeysService, SIGNING_ALGORITHM } from '../keys/keys.service';
import { ProjectsService } from '../projects/projects.service';
import { RevocationsService } from './revocations.service';
import { recordTokenRequest } from './token.metrics';

/** The token endpoint's and the revocation endpoint's steps, after the gateway parsed the request. */
@Injectable()
export class TokensService {
  constructor(
    private readonly credentials: CredentialsService,
    private readonly projects: ProjectsService,
    private readonly keys: KeysService,
    private readonly revocations: RevocationsService,
    private readonly nats: NatsService,
    @Inject(AUTH_CONFIG) private readonly config: AuthConfig,
    private readonly trail: AuditTrailService,
  ) {}

  /**
   * Mints, and records the token issued or refused in the project trail (never the
   * secret). The token endpoint's path, and the portal's "Try it" (`tried`: the member
   * who tried it, recorded beside the grant).
   */
  async issue(req: TokenIssueRequest, requestId?: string, tried?: { actor: { member_id: string; email: string } }): Promise<TokenIssueResponse> {
    const via = tried ? { via: 'portal', actor: tried.actor } : {};
    try {
      const { response, claims } = await this.mint(req, requestId);
      recordTokenRequest(req.grant_type);
      this.trail.record('token.issued', {
        projectId: claims.project_id,
        clientId: claims.client_id,
        entityUserId: claims.grant_type === 'entity_user' ? claims.sub : null,
        details: { grant_type: claims.grant_type, jti: claims.jti, expires_in: response.expires_in, ...(claims.entity_id ? { entity_id: claims.entity_id } : {}), ...via },
        requestId,
      });
      return response;
    } catch (err) {
      recordTokenRequest(req.grant_type, err);
      if (err instanceof RpcError && this.trail.enabled) await this.recordRefusal(req, err, requestId, via);
      throw err;
    }
  }

  /** A refusal belongs to the project of the client id it named, if that client id exists. */
  private async recordRefusal(req: TokenIssueRequest, err: RpcError, requestId?: string, via: object = {}): Promise<void> {
    const clientId = canonicalId(String(req.client_id));
    const projectId = await this.credentials.projectOf(clientId).catch(() => null);
    if (!projectId) return;
    this.trail.record('token.refused', {
      projectId,
      clientId,
      details: { reason: err.code, message: err.message, grant_type: String(req.grant_type).slice(0, 64), ...(isUuid(req.entity_user_id) ? { entity_user_id: req.entity_user_id } : {}), ...via },
      requestId,
    });
  }

  private async mint(req: TokenIssueRequest, requestId?: string): Promise<{ response: TokenIssueResponse; claims: AccessTokenClaims }> {
    // 1. authenticate the client
    const clientId = canonicalId(req.client_id);
    const projectId = await this.credentials.authenticate(clientId, req.client_secret);
    // 2. the grant: who the token speaks for
    const subject = await this.grant(req, clientId, projectId, requestId);
    // 3. mint
    const ttl = await this.projects.accessTokenTtl(projectId);
    const now = Math.floor(Date.now() / 1000);
    const claims: AccessTokenClaims = {
      iss: this.config.AUTH_ISSUER,
      sub: subject.sub,
      client_id: clientId,
      project_id: projectId,
      ...(subject.entityId ? { entity_id: subject.entityId } : {}),
      // grant() refused every other grant type (unsupported_grant_type).
      grant_type: req.grant_type as GrantType,
      jti: randomUUID(),
      iat: now,
      exp: now + ttl,
    };
    // Mid-rotation (another instance's broadcast just came), the new key is loading: wait for it.
    const reloading = this.keys.pendingReload();
    if (reloading) await reloading;
    const access_token = this.keys.signer().sign(claims);
    return { response: { access_token, token_type: 'Bearer', expires_in: ttl }, claims };
  }

  /**
   * client_credentials: the client itself. entity_user: a user of the client's
   * project that is active, in an active entity; anything else is `invalid_grant`
   * (never `invalid_client`: the client did authenticate).
   */
  private async grant(req: TokenIssueRequest, clientId: string, projectId: string, requestId?: string): Promise<{ sub: string; entityId?: string }> {
    if (req.grant_type === 'client_credentials') return { sub: clientId };
    if (req.grant_type !== 'entity_user') {
      throw new RpcError(ErrorCodes.unsupportedGrantType, `Grant type '${String(req.grant_type).slice(0, 64)}' is not supported`);
    }
    if (!isUuid(req.entity_user_id)) {
      throw new RpcError(ErrorCodes.invalidRequest, req.entity_user_id ? 'entity_user_id must be a UUID' : 'entity_user_id is required for the entity_user grant');
    }
    let found: EntityUserLookupResponse;
    try {
      found = await this.nats.request<EntityUserLookupResponse>(
        IdentitySubjects.entityUserLookup,
        { project_id: projectId, entity_user_id: req.entity_user_id } satisfies EntityUserLookupRequest,
        { requestId },
      );
    } catch (err) {
      if (err instanceof RemoteError) throw new RpcError(ErrorCodes.unavailable, 'Service temporarily unavailable');
      throw err;
    }
    const user = found.user;
    if (!user) throw new RpcError(ErrorCodes.invalidGrant, 'No such entity user in this project');
    if (user.status !== 'active') throw new RpcError(ErrorCodes.invalidGrant, 'The entity user is deleted');
    if (user.entity_status !== 'active') throw new RpcError(ErrorCodes.invalidGrant, "The entity user's entity is not active");
    return { sub: user.id, entityId: user.entity_id };
  }

  /**
   * RFC 7009: the client authenticates; a live token of its project is revoked;
   * anything else (garbage, expired, unknown key, another project's token) is
   * answered the same way, without effect: the endpoint is no oracle.
   */
  async revoke(req: TokenRevokeRequest, requestId?: string): Promise<TokenRevokeResponse> {
    const projectId = await this.credentials.authenticate(req.client_id, req.client_secret);
    const claims = await this.verify(req.token);
    if (!claims || claims.project_id !== projectId) return { revoked: null };
    if (claims.exp <= Math.floor(Date.now() / 1000)) return { revoked: null };
    await this.revocations.revoke({ jti: claims.jti, exp: claims.exp, projectId }, requestId);
    this.trail.record('token.revoked', {
      projectId,
      clientId: canonicalId(req.client_id),
      entityUserId: claims.grant_type === 'entity_user' ? claims.sub : null,
      details: { jti: claims.jti, token_client_id: claims.client_id },
      requestId,
    });
    return { revoked: { jti: claims.jti, exp: claims.exp } };
  }

  private async verify(token: string): Promise<AccessTokenClaims | null> {
    try {
      const kid = decode(token, { complete: true })?.header.kid;
      const key = typeof kid === 'string' ? await this.keys.resolvePublicKey(kid) : undefined;
      if (!key) return null;
      const claims = verify(token, key, { algorithms: [SIGNING_ALGORITHM], issuer: this.config.AUTH_ISSUER }) as AccessTokenClaims;
      return isUuid(claims.jti) && typeof claims.project_id === 'string' && typeof claims.exp === 'number' ? claims : null;
    } catch {
      return null;
    }
  }
}
