import type { AccessTokenClaims } from '@gatehouse/contracts';

/** RFC 7662 §2.2: the answer for anything the caller may not use or see — nothing more. */
export const INACTIVE = Object.freeze({ active: false as const });

export interface ActiveIntrospection {
  active: true;
  token_type: 'Bearer';
  client_id: string;
  sub: string;
  iss: string;
  iat: number;
  exp: number;
  jti: string;
  project_id: string;
  grant_type: AccessTokenClaims['grant_type'];
  entity_id?: string;
}

/**
 * A live token's answer: RFC 7662's members the token has (no `scope`: tokens carry no
 * permissions; no `aud`: they have none), and Gatehouse's own claims by their JWT names.
 * Built member by member, so a claim added to tokens later is not published unnoticed.
 */
export function activeIntrospection(claims: AccessTokenClaims): ActiveIntrospection {
  const answer: ActiveIntrospection = {
    active: true,
    token_type: 'Bearer',
    client_id: claims.client_id,
    sub: claims.sub,
    iss: claims.iss,
    iat: claims.iat,
    exp: claims.exp,
    jti: claims.jti,
    project_id: claims.project_id,
    grant_type: claims.grant_type,
  };
  if (claims.entity_id !== undefined) answer.entity_id = claims.entity_id;
  return answer;
}
