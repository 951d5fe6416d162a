import { MEMBER_ROLES } from '@gatehouse/contracts';
import { PortalAction, roleAllows } from './roles';

describe('roleAllows', () => {
  const table: Record<string, Record<PortalAction, boolean>> = {
    viewer: { read: true, write: false, members: false },
    developer: { read: true, write: true, members: false },
    owner: { read: true, write: true, members: true },
  };

  it.each(MEMBER_ROLES)('%s may do exactly what the table says', (role) => {
    const actions: PortalAction[] = ['read', 'write', 'members'];
    expect(Object.fromEntries(actions.map((a) => [a, roleAllows(role, a)]))).toEqual(table[role]);
  });

  it('refuses a role it does not know', () => {
    expect(roleAllows('admin' as never, 'read')).toBe(false);
  });
});
