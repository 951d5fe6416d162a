import { Controller, Get, Header, Inject } from '@nestjs/common';
import { GATEWAY_CONFIG, GatewayConfig } from '../config';
import { ApiVersion, Public } from '../http/route-options';
import { JwksService } from '../tokens/jwks.service';

/**
 * Discovery documents, fetched by generic clients without custom headers:
 * RFC 8414 metadata and the JWKS (public keys only; a rotated-out key stays
 * until every token it signed has expired).
 */
@Controller()
@Public()
@ApiVersion('none')
export class DiscoveryController {
  constructor(
    private readonly jwks: JwksService,
    @Inject(GATEWAY_CONFIG) private readonly config: GatewayConfig,
  ) {}

  @Get('.well-known/oauth-authorization-server')
  @Header('cache-control', 'public, max-age=300')
  metadata() {
    const issuer = this.config.GATEWAY_ISSUER.replace(/\/$/, '');
    return {
      issuer,
      token_endpoint: `${issuer}/v1/auth/token`,
      revocation_endpoint: `${issuer}/v1/auth/revoke`,
      introspection_endpoint: `${issuer}/v1/auth/introspect`,
      jwks_uri: `${issuer}/v1/auth/jwks`,
      grant_types_supported: ['client_credentials', 'entity_user'],
      response_types_supported: [],
      token_endpoint_auth_methods_supported: ['client_secret_post', 'client_secret_basic'],
      revocation_endpoint_auth_methods_supported: ['client_secret_post', 'client_secret_basic'],
      introspection_endpoint_auth_methods_supported: ['client_secret_post', 'client_secret_basic'],
    };
  }

  @Get('v1/auth/jwks')
  @Header('cache-control', 'public, max-age=60')
  keys() {
    return this.jwks.jwks();
  }
}
