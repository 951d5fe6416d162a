import type { z } from 'zod';

/** One problem of a payload: where (the path inside the request's data) and what. */
export interface ContractIssue {
  path: (string | number)[];
  message: string;
}

/** At most this many issues are reported (and the count of the rest). */
export const CONTRACT_ISSUES_MAX = 20;

const ISSUE_TEXT_MAX = 200;

/** The located issues of a failed parse, at most CONTRACT_ISSUES_MAX of them. */
export function contractIssues(error: z.ZodError): ContractIssue[] {
  return error.issues.slice(0, CONTRACT_ISSUES_MAX).map((i) => ({
    path: i.path.map((p) => (typeof p === 'symbol' ? String(p) : typeof p === 'string' ? p.slice(0, ISSUE_TEXT_MAX) : p)),
    // A message may name an unknown key: bounded, whatever its length.
    message: i.message.length > ISSUE_TEXT_MAX ? `${i.message.slice(0, ISSUE_TEXT_MAX)}…` : i.message,
  }));
}

/** One line for a log or an error message: `body.email: Input should be a valid email; …`. */
export function describeIssues(issues: ContractIssue[]): string {
  return issues.map((i) => `${i.path.length ? i.path.join('.') : '(root)'}: ${i.message}`).join('; ');
}
