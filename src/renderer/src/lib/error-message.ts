/** The message a person reads for a failed call: LabError's own text, or the error's. */
import { LabError } from '../../../shared/api';

export function errorMessage(error: unknown): string {
  if (error instanceof LabError) return error.message;
  if (error instanceof Error) return error.message;
  return String(error);
}

/** Whether the failure means "no connection to the lab" (no token, host gone). */
export function isUnavailable(error: unknown): boolean {
  return (error instanceof LabError || (error instanceof Error && 'code' in error)) && (error as { code?: unknown }).code === 'unavailable';
}
