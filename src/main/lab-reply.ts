/**
 * labReply: run one LabService call and wrap the outcome in the LabReply envelope. Errors
 * never cross a process boundary raw (IPC and JSON both lose their fields).
 */
import { LAB_METHODS, LabError, type LabErrorInfo, type LabMethod, type LabReply } from '../shared/api';
import type { LabPort } from './lab-port';

export function isLabMethod(name: unknown): name is LabMethod {
  return typeof name === 'string' && (LAB_METHODS as readonly string[]).includes(name);
}

/** Any thrown value as LabErrorInfo: LabErrors keep code and fields, the rest become 'internal'. */
export function toErrorInfo(error: unknown): LabErrorInfo {
  if (error instanceof LabError) return stripUndefined(error.toInfo());
  const message = error instanceof Error ? error.message : String(error);
  return { code: 'internal', message: `Internal error: ${message}` };
}

export async function labReply<M extends LabMethod>(service: LabPort, method: M, payload: unknown): Promise<LabReply<unknown>> {
  try {
    return { ok: true, value: await service.call(method, payload) };
  } catch (error) {
    // A LabError is an answer; anything else is a bug worth a stack trace on the main side.
    if (!(error instanceof LabError)) console.error(`runlab: ${method} failed:`, error);
    return { ok: false, error: toErrorInfo(error) };
  }
}

/** Structured clone keeps `field: undefined`; JSON drops it. Both transports send the same shape. */
function stripUndefined(info: LabErrorInfo): LabErrorInfo {
  const out: LabErrorInfo = { code: info.code, message: info.message };
  if (info.field !== undefined) out.field = info.field;
  if (info.errors !== undefined) out.errors = info.errors;
  return out;
}
