import Ajv2020, { ErrorObject, ValidateFunction } from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import { MONITE_SCHEMAS_ID, moniteSchemas } from '@gatehouse/contracts';
import type { ValidationIssue } from '@gatehouse/permissions';

const ajv = new Ajv2020({ allErrors: true, strict: false, coerceTypes: false, useDefaults: false, discriminator: true });
addFormats(ajv);
ajv.addFormat('color', true);
ajv.addSchema(moniteSchemas);

/** Makes the document-local `$ref`s of a piece taken from the reference point into it. */
export function fromReference<T>(piece: T): T {
  return JSON.parse(
    JSON.stringify(piece).replace(/"\$ref":"#\//g, `"$ref":"${MONITE_SCHEMAS_ID}#/`),
  ) as T;
}

const LOCAL_REF = /^#\/components\/schemas\/(.+)$/;

/**
 * A piece taken from the reference, with its schema `$ref`s inlined and every
 * object that lists its properties but leaves others open closed
 * (`additionalProperties: false`): an unknown key is refused, not carried along
 * unvalidated. Objects the reference declares free-form (no `properties`) stay so.
 */
export function closedReference<T>(piece: T): T {
  return close(piece, []) as T;
}

function close(node: unknown, inlining: string[]): unknown {
  if (Array.isArray(node)) return node.map((n) => close(n, inlining));
  if (node === null || typeof node !== 'object') return node;
  const { $ref, ...rest } = node as Record<string, unknown>;
  const name = typeof $ref === 'string' ? LOCAL_REF.exec($ref)?.[1] : undefined;
  if (name !== undefined) {
    // A recursive schema stays a reference (open) rather than unrolled forever.
    if (inlining.includes(name)) return fromReference(node);
    return close({ ...(moniteSchemas.components.schemas[name] as object), ...rest }, [...inlining, name]);
  }
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(node)) out[k] = close(v, inlining);
  const listsProperties = typeof out['properties'] === 'object' && (out['type'] === 'object' || out['type'] === undefined);
  if (listsProperties && out['additionalProperties'] === undefined) out['additionalProperties'] = false;
  return out;
}

export type BodyValidator = (body: unknown) => ValidationIssue[];

/** Deepest nesting of objects and arrays a body may have (the API's documents need fewer than ten). */
export const MAX_NESTING = 32;

/** Compiles a JSON Schema (it may `$ref` the reference's schemas) into a validator that reports FastAPI-style issues. */
export function bodyValidator(schema: object, loc: (string | number)[] = ['body']): BodyValidator {
  const validate: ValidateFunction = ajv.compile(schema);
  return (body) => {
    // Before anything walks it recursively (the schema check, JSON.stringify on the way to a service).
    const deep = tooDeep(body);
    if (deep) return [{ loc: [...loc, ...deep], msg: `Nesting is too deep: at most ${MAX_NESTING} levels`, type: 'value_error' }];
    const issues = validate(body) ? [] : toIssues(validate.errors ?? [], loc);
    return issues.length ? issues : unstorableStrings(body, loc);
  };
}

/** The location of the first object or array nested deeper than MAX_NESTING, if any (iterative: a body may nest thousands deep). */
export function tooDeep(value: unknown): (string | number)[] | undefined {
  const stack: Array<{ value: object; loc: (string | number)[] }> = [];
  if (value !== null && typeof value === 'object') stack.push({ value, loc: [] });
  while (stack.length) {
    const { value: v, loc } = stack.pop() as { value: object; loc: (string | number)[] };
    if (loc.length >= MAX_NESTING) return loc;
    for (const [k, x] of Array.isArray(v) ? v.entries() : Object.entries(v)) {
      if (x !== null && typeof x === 'object') stack.push({ value: x, loc: [...loc, k] });
    }
  }
  return undefined;
}

// eslint-disable-next-line no-control-regex -- NUL is exactly what this looks for
const NUL = /\u0000/;
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/**
 * Strings no database column can hold as sent: NUL characters, and lone UTF-16
 * surrogates (not Unicode text). Refused here with their location rather than
 * stored altered or failing deeper down.
 */
export function unstorableStrings(value: unknown, loc: (string | number)[], depth = 0): ValidationIssue[] {
  if (typeof value === 'string') {
    if (NUL.test(value)) return [{ loc, msg: 'String should not contain NUL characters', type: 'string_type' }];
    if (LONE_SURROGATE.test(value)) return [{ loc, msg: 'String should be valid Unicode (lone surrogate)', type: 'string_unicode' }];
    return [];
  }
  if (depth > 64 || value === null || typeof value !== 'object') return [];
  const out: ValidationIssue[] = [];
  const entries: Array<[string | number, unknown]> = Array.isArray(value) ? value.map((v, i) => [i, v]) : Object.entries(value);
  for (const [k, v] of entries) {
    if (typeof k === 'string' && (NUL.test(k) || LONE_SURROGATE.test(k))) out.push({ loc: [...loc, k], msg: 'Key should be valid text', type: 'string_type' });
    out.push(...unstorableStrings(v, [...loc, k], depth + 1));
    if (out.length >= 20) break;
  }
  return out;
}

export function toIssues(errors: ErrorObject[], prefix: (string | number)[]): ValidationIssue[] {
  // `anyOf: [X, null]` reports X's failure, "must be null" and "must match a schema in anyOf":
  // keep the first.
  const meaningful = errors.filter((e) => e.keyword !== 'anyOf' && !(e.keyword === 'type' && e.params.type === 'null'));
  const seen = new Set<string>();
  const issues: ValidationIssue[] = [];
  for (const e of meaningful.length ? meaningful : errors) {
    const loc = [...prefix, ...pointer(e.instancePath)];
    const one = describe(e, loc);
    const key = JSON.stringify(one.loc);
    if (seen.has(key)) continue;
    seen.add(key);
    issues.push(one);
  }
  return issues;
}

function pointer(path: string): (string | number)[] {
  if (!path) return [];
  return path
    .slice(1)
    .split('/')
    .map((p) => p.replace(/~1/g, '/').replace(/~0/g, '~'))
    .map((p) => (/^\d+$/.test(p) ? Number(p) : p));
}

function describe(e: ErrorObject, loc: (string | number)[]): ValidationIssue {
  switch (e.keyword) {
    case 'required':
      return { loc: [...loc, e.params.missingProperty], msg: 'Field required', type: 'missing' };
    case 'additionalProperties':
      return { loc: [...loc, e.params.additionalProperty], msg: 'Extra inputs are not permitted', type: 'extra_forbidden' };
    case 'enum':
      return { loc, msg: `Input should be ${(e.params.allowedValues as unknown[]).map((v) => `'${String(v)}'`).join(', ')}`, type: 'enum' };
    case 'const':
      return { loc, msg: `Input should be '${String(e.params.allowedValue)}'`, type: 'literal_error' };
    case 'type': {
      const t = String(e.params.type).split(',')[0];
      const name = { string: 'string', integer: 'int', number: 'float', boolean: 'bool', object: 'dict', array: 'list' }[t] ?? t;
      return { loc, msg: `Input should be a valid ${t}`, type: `${name}_type` };
    }
    case 'format':
      return { loc, msg: `Input should be a valid ${e.params.format}`, type: e.params.format === 'uuid' ? 'uuid_parsing' : 'value_error' };
    case 'minimum':
      return { loc, msg: `Input should be greater than or equal to ${e.params.limit}`, type: 'greater_than_equal' };
    case 'maximum':
      return { loc, msg: `Input should be less than or equal to ${e.params.limit}`, type: 'less_than_equal' };
    case 'minLength':
      return { loc, msg: `String should have at least ${e.params.limit} characters`, type: 'string_too_short' };
    case 'maxLength':
      return { loc, msg: `String should have at most ${e.params.limit} characters`, type: 'string_too_long' };
    default:
      return { loc, msg: e.message ?? 'Invalid value', type: 'value_error' };
  }
}
