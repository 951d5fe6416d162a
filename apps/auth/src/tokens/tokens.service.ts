import { Inject, Injectable } from '@nestjs/common';
import { JwtService } from '@nestjs/jwt';
import { randomUUID } from 'node:crypto';
import {
  AccessTokenClaims,
  ErrorCodes,
  isUuid,
  TokenIssueRequest,
  TokenIssueResponse,
  TokenRevokeRequest,
  TokenRevokeResponse,
} from '@gatehouse/contracts';
import { RpcError } from '@gatehouse/platform';
import { AUTH_CONFIG, AuthConfig } from '../config';
import { CredentialsService } from '../credentials/credentials.service';
import { KeysService, SIGNING_ALGORITHM } from '../keys/keys.service';
import { ProjectsService } from '../projects/projects.service';
import { RevocationsService } from './revocations.service';

/** The token endpoint's and the revocation endpoint's steps, after the gateway parsed the request. */
@Injectable()
export class TokensService {
  constructor(
    private readonly credentials: CredentialsService,
    private readonly projects: ProjectsService,
    private readonly keys: KeysService,
    private readonly revocations: RevocationsService,
    private readonly jwt: JwtService,
    @Inject(AUTH_CONFIG) private readonly config: AuthConfig,
  ) {}

  async issue(req: TokenIssueRequest): Promise<TokenIssueResponse> {
    // 1. authenticate the client
    const projectId = await this.credentials.authenticate(req.client_id, req.client_secret);
    // 2. the grant
    if (req.grant_type !== 'client_credentials') {
      throw new RpcError(ErrorCodes.unsupportedGrantType, `Grant type '${String(req.grant_type)}' is not supported yet`);
    }
    // 3. mint
    const ttl = await this.projects.accessTokenTtl(projectId);
    const now = Math.floor(Date.now() / 1000);
    const claims: AccessTokenClaims = {
      iss: this.config.AUTH_ISSUER,
      sub: req.client_id,
      project_id: projectId,
      grant_type: 'client_credentials',
      jti: randomUUID(),
      iat: now,
      exp: now + ttl,
    };
    const access_token = this.keys.signer().sign(claims);
    return { access_token, token_type: 'Bearer', expires_in: ttl };
  }

  /**
   * RFC 7009: the client authenticates; a live token of its project is revoked;
   * anything else (garbage, expired, unknown key, another project's token) is
   * answered the same way, without effect: the endpoint is no oracle.
   */
  async revoke(req: TokenRevokeRequest, requestId?: string): Promise<TokenRevokeResponse> {
    const projectId = await this.credentials.authenticate(req.client_id, req.client_secret);
    const claims = this.verify(req.token);
    if (!claims || claims.project_id !== projectId) return { revoked: null };
    if (claims.exp <= Math.floor(Date.now() / 1000)) return { revoked: null };
    await this.revocations.revoke({ jti: claims.jti, exp: claims.exp, projectId }, requestId);
    return { revoked: { jti: claims.jti, exp: claims.exp } };
  }

  private verify(token: string): AccessTokenClaims | null {
    try {
      const decoded = this.jwt.decode(token, { complete: true }) as { header?: { kid?: unknown } } | null;
      const kid = decoded?.header?.kid;
      const key = typeof kid === 'string' ? this.keys.publicKey(kid) : undefined;
      if (!key) return null;
      const claims = this.jwt.verify<AccessTokenClaims>(token, {
        publicKey: key as any,
        algorithms: [SIGNING_ALGORITHM],
        issuer: this.config.AUTH_ISSUER,
      });
      return isUuid(claims.jti) && typeof claims.project_id === 'string' && typeof claims.exp === 'number' ? claims : null;
    } catch {
      return null;
    }
  }
}
