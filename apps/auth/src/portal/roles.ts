import type { MemberRole } from '@gatehouse/contracts';

/**
 * What a member's role allows, checked by auth on every portal subject:
 * `read` (every role), `write` (projects, settings, credentials, keys: developer
 * and owner), `members` (invite, remove: owner only).
 */
export type PortalAction = 'read' | 'write' | 'members';

const RANK: Record<MemberRole, number> = { viewer: 0, developer: 1, owner: 2 };
const NEEDS: Record<PortalAction, number> = { read: RANK.viewer, write: RANK.developer, members: RANK.owner };

export function roleAllows(role: MemberRole, action: PortalAction): boolean {
  const rank = RANK[role];
  return rank !== undefined && rank >= NEEDS[action];
}
