import { CATALOGUE, OBJECT_TYPES, actionOrder, isActionOf, isObjectType, objectTypeOrder } from './catalogue';

const CRUD = ['create', 'read', 'update', 'delete'];

// The catalogue as given in the specification, written out independently.
const EXPECTED: Record<string, string[]> = {
  approval_policy: CRUD,
  approval_request: CRUD,
  comment: ['create', 'read', 'update'],
  counterpart: CRUD,
  counterpart_vat_id: CRUD,
  entity: ['read', 'update'],
  entity_bank_account: CRUD,
  entity_vat_ids: CRUD,
  entity_user: CRUD,
  export: ['create', 'read'],
  onboarding: ['create', 'read', 'update'],
  overdue_reminder: CRUD,
  payable: ['create', 'create_from_mail', 'read', 'update', 'delete', 'submit', 'approve', 'pay', 'cancel', 'reopen'],
  payables_purchase_order: CRUD,
  payment_record: ['create', 'read'],
  payment_reminder: CRUD,
  person: CRUD,
  product: CRUD,
  receivable: CRUD,
  role: CRUD,
  tag: CRUD,
  delivery_note: CRUD,
  mailbox: CRUD,
  ocr_task: CRUD,
  project: CRUD,
  receipt: CRUD,
  reconciliation: CRUD,
  todo_task: CRUD,
  todo_task_mute: CRUD,
  transaction: CRUD,
  workflow: CRUD,
};

describe('CATALOGUE', () => {
  it('has exactly the specified object types and actions', () => {
    expect(Object.keys(CATALOGUE).sort()).toEqual(Object.keys(EXPECTED).sort());
    for (const t of OBJECT_TYPES) expect([...CATALOGUE[t]]).toEqual(EXPECTED[t]);
  });

  it('lists 31 object types in alphabetical (catalogue) order', () => {
    expect(OBJECT_TYPES).toHaveLength(31);
    expect([...OBJECT_TYPES]).toEqual([...OBJECT_TYPES].sort());
    expect([...OBJECT_TYPES]).toEqual(Object.keys(CATALOGUE));
  });

  it('is frozen, down to the action lists', () => {
    expect(Object.isFrozen(CATALOGUE)).toBe(true);
    expect(Object.isFrozen(OBJECT_TYPES)).toBe(true);
    for (const t of OBJECT_TYPES) expect(Object.isFrozen(CATALOGUE[t])).toBe(true);
  });
});

describe('isObjectType', () => {
  it.each(Object.keys(EXPECTED))('accepts %s', (t) => expect(isObjectType(t)).toBe(true));

  it.each(['', 'entities', 'Entity', 'constructor', '__proto__', 'toString', 'payable:read'])('rejects %p', (t) =>
    expect(isObjectType(t)).toBe(false),
  );

  it('rejects non-strings', () => {
    for (const v of [null, undefined, 1, {}, ['entity']]) expect(isObjectType(v)).toBe(false);
  });
});

describe('isActionOf', () => {
  it('accepts every listed action of every type', () => {
    for (const [t, actions] of Object.entries(EXPECTED)) {
      for (const a of actions) expect(isActionOf(t, a)).toBe(true);
    }
  });

  it.each([
    ['entity', 'create'],
    ['entity', 'delete'],
    ['comment', 'delete'],
    ['payment_record', 'update'],
    ['export', 'delete'],
    ['receivable', 'pay'],
    ['payable', 'foo'],
    ['payable', 'constructor'],
    ['nope', 'read'],
    ['constructor', 'read'],
  ])('rejects %s:%s', (t, a) => expect(isActionOf(t, a)).toBe(false));
});

describe('ordering helpers', () => {
  it('place object types and actions by catalogue position, unknown ones last', () => {
    expect(objectTypeOrder('approval_policy')).toBe(0);
    expect(objectTypeOrder('workflow')).toBe(30);
    expect(objectTypeOrder('nope')).toBeGreaterThan(30);
    expect(actionOrder('payable', 'create_from_mail')).toBe(1);
    expect(actionOrder('payable', 'reopen')).toBe(9);
    expect(actionOrder('entity', 'create')).toBeGreaterThan(9);
  });
});
