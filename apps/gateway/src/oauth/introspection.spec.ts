import type { AccessTokenClaims } from '@gatehouse/contracts';
import { activeIntrospection, INACTIVE } from './introspection';

const partner: AccessTokenClaims = {
  iss: 'https://gatehouse.test',
  sub: '00000000-0000-4000-8000-000000000001',
  client_id: '00000000-0000-4000-8000-000000000001',
  project_id: '00000000-0000-4000-8000-000000000002',
  grant_type: 'client_credentials',
  jti: '00000000-0000-4000-8000-000000000003',
  iat: 1_000,
  exp: 2_800,
};

describe('introspection answers', () => {
  it('inactive is {"active": false} and nothing else', () => {
    expect(JSON.parse(JSON.stringify(INACTIVE))).toEqual({ active: false });
  });

  it("a partner token: RFC 7662's members and the token's own claims, no entity_id", () => {
    expect(activeIntrospection(partner)).toEqual({ active: true, token_type: 'Bearer', ...partner });
  });

  it('an entity-user token: its entity_id too', () => {
    const user = { ...partner, sub: '00000000-0000-4000-8000-000000000009', grant_type: 'entity_user' as const, entity_id: '00000000-0000-4000-8000-00000000000e' };
    expect(activeIntrospection(user)).toEqual({ active: true, token_type: 'Bearer', ...user });
  });

  it('publishes no claim it does not name (a claim added to tokens later stays out until chosen)', () => {
    const answer = activeIntrospection({ ...partner, secret_stuff: 'x' } as AccessTokenClaims);
    expect(answer).not.toHaveProperty('secret_stuff');
  });
});
