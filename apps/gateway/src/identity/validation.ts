import type { ValidationIssue } from '@gatehouse/permissions';
import { ApiError } from '../http/api-error';

/**
 * One part of a request (path id, query, header, body) after checking: `value`
 * is meaningful only when `issues` is empty.
 */
export interface Parsed<T> {
  value: T;
  issues: ValidationIssue[];
}

export function parsed<T>(value: T, issues: ValidationIssue[] = []): Parsed<T> {
  return { value, issues };
}

/**
 * Throws one 422 holding the issues of every part, as FastAPI reports them all
 * at once. Pass the parts in FastAPI's order: path, query, header, body.
 */
export function ensureValid(...parts: Parsed<unknown>[]): void {
  const issues = parts.flatMap((p) => p.issues);
  if (issues.length) throw ApiError.validation(issues);
}

export function isDict(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

