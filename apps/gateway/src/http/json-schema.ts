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
  return (body) => (validate(body) ? [] : toIssues(validate.errors ?? [], loc));
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
