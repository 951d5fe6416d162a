import { ErrorCodes } from '@gatehouse/contracts';
import { RpcError } from '@gatehouse/platform';
import { tokenOutcomeLabels } from './token.metrics';

describe('token metrics labels', () => {
  it('names the grant and the refusal code', () => {
    expect(tokenOutcomeLabels('client_credentials')).toEqual({ grant: 'client_credentials', outcome: 'issued' });
    expect(tokenOutcomeLabels('entity_user', new RpcError(ErrorCodes.invalidGrant, 'No such entity user'))).toEqual({
      grant: 'entity_user',
      outcome: 'invalid_grant',
    });
  });

  it('never takes a label from the caller: an unknown grant is other, an unknown error internal', () => {
    expect(tokenOutcomeLabels('urn:x:' + 'a'.repeat(50), new RpcError(ErrorCodes.unsupportedGrantType, 'no')).grant).toBe('other');
    expect(tokenOutcomeLabels(42, new Error('boom'))).toEqual({ grant: 'other', outcome: 'internal' });
    expect(tokenOutcomeLabels('client_credentials', { code: 'client-123' }).outcome).toBe('internal');
  });
});
