import type { EntitySettingsView, EntityUserView, EntityView, RoleView } from '@gatehouse/contracts';
import type { EntityEntity, EntitySettingsEntity } from '../store/entity.entity';
import type { EntityUserEntity } from '../store/entity-user.entity';
import type { RoleEntity } from '../store/role.entity';

/** Records as the API shows them: the reference's response shapes plus `created_by_entity_user_id` and `version`. */
export function entityView(e: EntityEntity): EntityView {
  const view: EntityView = {
    id: e.id,
    type: e.type,
    status: e.status,
    email: e.email,
    phone: e.phone,
    website: e.website,
    tax_id: e.taxId,
    registration_number: e.registrationNumber,
    registration_authority: e.registrationAuthority,
    address: e.address,
    logo: null,
    created_at: e.createdAt.toISOString(),
    updated_at: e.updatedAt.toISOString(),
    created_by_entity_user_id: e.createdByEntityUserId,
    version: e.version,
  };
  if (e.type === 'organization') view.organization = e.organization ?? {};
  else view.individual = e.individual ?? {};
  return view;
}

export function settingsView(s: EntitySettingsEntity): EntitySettingsView {
  return { ...s.settings, default_role_id: s.defaultRoleId, version: s.version };
}

export function entityUserView(u: EntityUserEntity): EntityUserView {
  return {
    id: u.id,
    login: u.login,
    first_name: u.firstName,
    last_name: u.lastName,
    email: u.email,
    phone: u.phone,
    title: u.title,
    role_id: u.roleId,
    status: u.status,
    created_at: u.createdAt.toISOString(),
    updated_at: u.updatedAt.toISOString(),
    created_by_entity_user_id: u.createdByEntityUserId,
    version: u.version,
  };
}

export function roleView(r: RoleEntity): RoleView {
  return {
    id: r.id,
    name: r.name,
    permissions: { objects: [...(r.permissions.objects ?? [])] },
    status: r.status,
    created_at: r.createdAt.toISOString(),
    updated_at: r.updatedAt.toISOString(),
    created_by_entity_user_id: r.createdByEntityUserId,
    version: r.version,
  };
}
