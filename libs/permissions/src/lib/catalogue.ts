/**
 * The fixed permission catalogue: every object type a role can grant on, and
 * the actions each type has (a type has ONLY the actions listed for it).
 *
 * Object types are kept in alphabetical order: that order is the "catalogue
 * order" used to canonicalise stored payloads. Actions keep the order below.
 */

const CRUD = Object.freeze(['create', 'read', 'update', 'delete'] as const);
const CRU = Object.freeze(['create', 'read', 'update'] as const);
const CR = Object.freeze(['create', 'read'] as const);

export const CATALOGUE = Object.freeze({
  approval_policy: CRUD,
  approval_request: CRUD,
  comment: CRU,
  counterpart: CRUD,
  counterpart_vat_id: CRUD,
  delivery_note: CRUD,
  entity: Object.freeze(['read', 'update'] as const),
  entity_bank_account: CRUD,
  entity_user: CRUD,
  entity_vat_ids: CRUD,
  export: CR,
  mailbox: CRUD,
  ocr_task: CRUD,
  onboarding: CRU,
  overdue_reminder: CRUD,
  payable: Object.freeze([
    'create',
    'create_from_mail',
    'read',
    'update',
    'delete',
    'submit',
    'approve',
    'pay',
    'cancel',
    'reopen',
  ] as const),
  payables_purchase_order: CRUD,
  payment_record: CR,
  payment_reminder: CRUD,
  person: CRUD,
  product: CRUD,
  project: CRUD,
  receipt: CRUD,
  receivable: CRUD,
  reconciliation: CRUD,
  role: CRUD,
  tag: CRUD,
  todo_task: CRUD,
  todo_task_mute: CRUD,
  transaction: CRUD,
  workflow: CRUD,
});

export type ObjectType = keyof typeof CATALOGUE;
/** The actions of one object type. */
export type ActionOf<T extends ObjectType> = (typeof CATALOGUE)[T][number];
/** Any action of any object type (check membership with `isActionOf`). */
export type Action = ActionOf<ObjectType>;

export const OBJECT_TYPES: readonly ObjectType[] = Object.freeze(Object.keys(CATALOGUE) as ObjectType[]);

// Position lookups (also used for O(1), allocation-free membership checks).
// Maps, not `in`, so that names like 'constructor' or '__proto__' never match.
const OBJECT_INDEX: ReadonlyMap<string, number> = new Map(OBJECT_TYPES.map((t, i) => [t, i]));
const ACTION_INDEX: ReadonlyMap<string, ReadonlyMap<string, number>> = new Map(
  OBJECT_TYPES.map((t) => [t, new Map<string, number>(CATALOGUE[t].map((a, i) => [a, i]))]),
);

export function isObjectType(s: unknown): s is ObjectType {
  return typeof s === 'string' && OBJECT_INDEX.has(s);
}

/** True when `action` is one of the actions of `objectType` (false for unknown types). */
export function isActionOf(objectType: string, action: string): action is Action {
  return ACTION_INDEX.get(objectType)?.has(action) === true;
}

/** Catalogue position of an object type; unknown types sort last. Internal. */
export function objectTypeOrder(objectType: string): number {
  return OBJECT_INDEX.get(objectType) ?? Number.MAX_SAFE_INTEGER;
}

/** Catalogue position of an action within its type; unknown ones sort last. Internal. */
export function actionOrder(objectType: string, action: string): number {
  return ACTION_INDEX.get(objectType)?.get(action) ?? Number.MAX_SAFE_INTEGER;
}
