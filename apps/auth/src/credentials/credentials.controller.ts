import { Controller, UseFilters } from '@nestjs/common';
import { RpcLoggingFilter } from '@gatehouse/platform';
import { MessagePattern, Payload } from '@nestjs/microservices';
import {
  AuthSubjects,
  ClientAuthenticateRequest,
  ClientAuthenticateResponse,
  ClientGetRequest,
  ClientGetResponse,
  CredentialsCreatedResponse,
  CredentialsCreateRequest,
  CredentialsListRequest,
  CredentialsListResponse,
  CredentialsRevokeRequest,
  CredentialView,
} from '@gatehouse/contracts';
import { AuditTrailService } from '../audit/audit-trail.service';
import { CredentialsService } from './credentials.service';

/** Operator subjects (the CLI): client credential pairs of a project. */
@Controller()
@UseFilters(RpcLoggingFilter)
export class CredentialsController {
  constructor(
    private readonly credentials: CredentialsService,
    private readonly trail: AuditTrailService,
  ) {}

  @MessagePattern(AuthSubjects.credentialsCreate)
  async create(@Payload() req: CredentialsCreateRequest): Promise<CredentialsCreatedResponse> {
    const created = await this.credentials.create(req.project_id, { name: req.name ?? null, createdBy: 'cli' });
    // The client id only: the secret is in the answer, never in the trail.
    this.trail.record('credentials.created', { projectId: created.project_id, clientId: created.client_id, details: { client_id: created.client_id } });
    return created;
  }

  @MessagePattern(AuthSubjects.credentialsList)
  async list(@Payload() req: CredentialsListRequest): Promise<CredentialsListResponse> {
    return { credentials: await this.credentials.list(req.project_id) };
  }

  /** For the gateway: the project a token's client belongs to. */
  @MessagePattern(AuthSubjects.clientGet)
  async project(@Payload() req: ClientGetRequest): Promise<ClientGetResponse> {
    return { project_id: await this.credentials.projectOf(req.client_id) };
  }

  /** For the gateway (token introspection): the caller's credentials checked as the token endpoint checks them. */
  @MessagePattern(AuthSubjects.clientAuthenticate)
  async authenticate(@Payload() req: ClientAuthenticateRequest): Promise<ClientAuthenticateResponse> {
    return { project_id: await this.credentials.authenticate(req.client_id, req.client_secret) };
  }

  @MessagePattern(AuthSubjects.credentialsRevoke)
  async revoke(@Payload() req: CredentialsRevokeRequest): Promise<CredentialView> {
    const revoked = await this.credentials.revoke(req.client_id);
    this.trail.record('credentials.revoked', { projectId: revoked.project_id, clientId: revoked.client_id, details: { client_id: revoked.client_id } });
    return revoked;
  }
}
