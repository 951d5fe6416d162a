import { parse } from 'fast-querystring';
import type { FastifyInstance } from 'fastify';

/** Largest form the portal takes (its largest, the settings form, is a few KiB). */
export const FORM_BODY_LIMIT = 64 * 1024;

/** A parsed form: own string fields only (a repeated field keeps its first value; no prototype to poison). */
export type Form = Readonly<Record<string, string>>;

export function parseForm(body: string): Form {
  const out: Record<string, string> = Object.create(null);
  const parsed = parse(body) as Record<string, string | string[]>;
  for (const key of Object.keys(parsed)) {
    const v = parsed[key];
    const first = Array.isArray(v) ? v[0] : v;
    if (typeof first === 'string') out[key] = first;
  }
  return out;
}

/** Forms only (`application/x-www-form-urlencoded`); any other body is a 415. */
export function registerFormParser(fastify: FastifyInstance): void {
  fastify.removeAllContentTypeParsers();
  fastify.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string', bodyLimit: FORM_BODY_LIMIT }, (_req, body, done) => {
    try {
      done(null, parseForm(body as string));
    } catch (err) {
      done(err as Error, undefined);
    }
  });
}

/** A field of the parsed body, trimmed of nothing; '' when absent. */
export function field(body: unknown, name: string): string {
  const v = body && typeof body === 'object' ? (body as Record<string, unknown>)[name] : undefined;
  return typeof v === 'string' ? v : '';
}
