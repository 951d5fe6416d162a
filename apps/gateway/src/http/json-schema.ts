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

export type BodyValidator = (body: unknown) => ValidationIssue[];

/** Compiles a JSON Schema (it may `$ref` the reference's schemas) into a validator that reports FastAPI-style issues. */
export function bodyValidator(schema: object, loc: (string | number)[] = ['body']): BodyValidator {
  const validate: ValidateFunction = ajv.compile(schema);
  return (body) => {
    const issues = validate(body) ? [] : toIssues(validate.errors ?? [], loc);
    return issues.length ? issues : unstorableStrings(body, loc);
  };
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
