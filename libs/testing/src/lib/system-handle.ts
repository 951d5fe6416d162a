import type { CredentialsCreatedResponse } from '@gatehouse/contracts';
import type { HttpClient } from './http-client';

/**
 * What the fixtures need of a running system: its gateway client, and partners
 * made as the operator makes them. The e2e suite's TestSystem is one.
 */
export interface SystemHandle {
  readonly http: HttpClient;
  createPartner(): Promise<CredentialsCreatedResponse>;
  partnerToken(cred: { client_id: string; client_secret: string }): Promise<string>;
}
