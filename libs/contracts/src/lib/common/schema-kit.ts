import { z } from 'zod';
import { fullFormats } from 'ajv-formats/dist/formats';

/**
 * Building blocks of the NATS contracts' schemas. Formats are checked with the
 * very predicates the gateway's JSON-Schema validation uses (ajv-formats, full
 * mode), so a service accepts exactly what the public API accepts.
 */

// eslint-disable-next-line no-control-regex -- NUL is exactly what this looks for
const NUL = /\u0000/;
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;
/** Either of the two above might be in it: one pass of a character class, where the two tests are two passes and a lookaround. */
// eslint-disable-next-line no-control-regex -- as NUL above
const SUSPECT = /[\u0000\ud800-\udfff]/;

/** Longest free-text field any request carries when its schema sets no tighter bound. */
export const TEXT_MAX = 8_192;

/** Whether `text(max)` accepts `value` (and so returns it unchanged): the same test, without a parse. */
export function isText(value: unknown, max = TEXT_MAX): value is string {
  // Most text holds neither NUL nor any surrogate: one cheap scan decides (the check sits on the token and audit paths).
  return typeof value === 'string' && value.length <= max && (!SUSPECT.test(value) || (!NUL.test(value) && !LONE_SURROGATE.test(value)));
}

/** Text a database column can hold as sent: no NUL, no lone UTF-16 surrogate, at most `max` characters. */
export function text(max = TEXT_MAX, min = 0) {
  return z
    .string()
    .min(min)
    .max(max)
    .refine((s) => !NUL.test(s), 'String should not contain NUL characters')
    .refine((s) => !LONE_SURROGATE.test(s), 'String should be valid Unicode (lone surrogate)');
}

const emailFormat = fullFormats.email as RegExp;
const uriFormat = fullFormats.uri as (s: string) => boolean;
const dateFormat = (fullFormats.date as { validate: (s: string) => boolean }).validate;
const UUID_FORMAT = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** A UUID in the spelling the gateway sends (it canonicalises: no `urn:uuid:`). */
export const uuid = z.string().regex(UUID_FORMAT, 'Input should be a valid UUID');
export const email = z.string().max(TEXT_MAX).regex(emailFormat, 'Input should be a valid email');
export const uri = (max: number) => z.string().min(1).max(max).refine(uriFormat, 'Input should be a valid uri');
export const isoDate = z.string().max(10).refine(dateFormat, 'Input should be a valid date');

const isoDateTimeFormat = fullFormats['iso-date-time'] as { validate: (s: string) => boolean };
/** An ISO-8601 date and time, as the gateway's list filters take them (it passes them on with an explicit offset). */
export const dateTime = z.string().max(64).refine(isoDateTimeFormat.validate, 'Input should be a valid datetime');

/** Seconds or a count: a non-negative safe integer. */
export const count = z.number().int().nonnegative();
export const epochSeconds = z.number().int().nonnegative();
/** An ISO-8601 timestamp as services render them. */
export const timestamp = z.string();

/** Every string and key in a JSON value is storable text (jsonb refuses NUL; lone surrogates are not Unicode), nesting at most 32 deep. */
export function storableJson(value: unknown, depth = 0): boolean {
  if (typeof value === 'string') return !NUL.test(value) && !LONE_SURROGATE.test(value);
  if (value === null || typeof value !== 'object') return true;
  if (depth >= 32) return false;
  const entries = Array.isArray(value) ? value.map((v) => ['', v] as const) : Object.entries(value);
  return entries.every(([k, v]) => storableJson(k) && storableJson(v, depth + 1));
}
export const STORABLE_JSON_MESSAGE = 'Strings should be valid Unicode without NUL characters, nested at most 32 levels';
