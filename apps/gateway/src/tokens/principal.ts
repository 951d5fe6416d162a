import { createParamDecorator, ExecutionContext } from '@nestjs/common';
import type { AccessTokenClaims } from '@gatehouse/contracts';

/** Who is calling, from a verified access token. */
export interface Principal {
  kind: 'partner' | 'entity_user';
  projectId: string;
  /** client id (partner) or entity user id. */
  subject: string;
  entityId: string | null;
  claims: AccessTokenClaims;
}

export function principalOf(claims: AccessTokenClaims): Principal {
  return {
    kind: claims.grant_type === 'entity_user' ? 'entity_user' : 'partner',
    projectId: claims.project_id,
    subject: claims.sub,
    entityId: claims.entity_id ?? null,
    claims,
  };
}

export const CurrentPrincipal = createParamDecorator((_: unknown, ctx: ExecutionContext): Principal => {
  return (ctx.switchToHttp().getRequest() as { principal: Principal }).principal;
});
