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
import { CredentialsService } from './credentials.service';

/** Operator subjects (the CLI): client credential pairs of a project. */
@Controller()
@UseFilters(RpcLoggingFilter)
export class CredentialsController {
  constructor(private readonly credentials: CredentialsService) {}

  @MessagePattern(AuthSubjects.credentialsCreate)
  create(@Payload() req: CredentialsCreateRequest): Promise<CredentialsCreatedResponse> {
    return this.credentials.create(req.project_id);
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
  revoke(@Payload() req: CredentialsRevokeRequest): Promise<CredentialView> {
    return this.credentials.revoke(req.client_id);
  }
}
