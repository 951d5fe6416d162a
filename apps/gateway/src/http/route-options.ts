import { SetMetadata } from '@nestjs/common';

export const PUBLIC_ROUTE = 'gatehouse:public';
export const API_VERSION_POLICY = 'gatehouse:api-version';

export type ApiVersionPolicy = 'required' | 'optional' | 'none';

/** No bearer token needed (token, revoke, discovery, health). */
export const Public = () => SetMetadata(PUBLIC_ROUTE, true);

/**
 * `x-monite-version` is required everywhere (README, docs/TOKENS.md) except where stated:
 * recommended on token/revoke, ignored on health and discovery documents,
 * which generic clients fetch without custom headers.
 */
export const ApiVersion = (policy: ApiVersionPolicy) => SetMetadata(API_VERSION_POLICY, policy);
