/** describeIssues: a zod error as one sentence a person can act on ("status: Invalid option…"). */
import type { z } from 'zod';
import { excerpt } from '../../../shared/excerpt';

export function describeIssues(error: z.ZodError, max = 3): string {
  const parts = error.issues.slice(0, max).map((issue) => {
    // Field names come from the file being checked: a 60 MB key must not become a 60 MB message.
    const where = issue.path.length > 0 ? excerpt(issue.path.map(String).join('.'), 80) : '(top level)';
    return `${where}: ${excerpt(issue.message)}`;
  });
  const more = error.issues.length > max ? ` (and ${error.issues.length - max} more)` : '';
  return parts.join('; ') + more;
}

export function issueFields(error: z.ZodError): { field: string; message: string }[] {
  return error.issues.map((issue) => ({
    field: issue.path.length > 0 ? issue.path.map(String).join('.') : '(top level)',
    message: issue.message,
  }));
}
