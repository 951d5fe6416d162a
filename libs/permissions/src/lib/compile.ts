import { DEFAULT_PERMISSION, Permission } from './permission';
import { RolePermissionsPayload } from './role-permissions';

/** objectType -> action -> permission. */
type Table = ReadonlyMap<string, ReadonlyMap<string, Permission>>;

// Filled in by the class's static block: the only ways to build one or read it.
let create!: (table: Table) => CompiledPermissions;
let read!: (compiled: CompiledPermissions) => Table;

/**
 * A role's permissions, compiled for O(1), allocation-free lookups.
 * Opaque and immutable: build with `compilePermissions`, read with `permissionOf`.
 */
export class CompiledPermissions {
  readonly #table: Table;

  private constructor(table: Table) {
    this.#table = table;
    Object.freeze(this);
  }

  static {
    create = (table) => new CompiledPermissions(table);
    read = (compiled) => compiled.#table;
  }
}

/**
 * Compiles a (validated) payload. Explicit `not_allowed` entries are kept, so
 * that evaluation can tell "denied by the role" from "not granted at all".
 * Validated payloads have no duplicates; if given some anyway, the last wins.
 */
export function compilePermissions(p: RolePermissionsPayload): CompiledPermissions {
  const table = new Map<string, Map<string, Permission>>();
  for (const o of p.objects ?? []) {
    let actions = table.get(o.object_type);
    if (actions === undefined) table.set(o.object_type, (actions = new Map()));
    for (const a of o.actions ?? []) actions.set(a.action_name, a.permission);
  }
  return create(table);
}

/** What the role holds for (objectType, action); `not_allowed` when it doesn't list it. */
export function permissionOf(compiled: CompiledPermissions, objectType: string, action: string): Permission {
  return lookupPermission(compiled, objectType, action) ?? DEFAULT_PERMISSION;
}

/** Like `permissionOf`, but `undefined` when the role doesn't list the pair. Internal. */
export function lookupPermission(
  compiled: CompiledPermissions,
  objectType: string,
  action: string,
): Permission | undefined {
  return read(compiled).get(objectType)?.get(action);
}
