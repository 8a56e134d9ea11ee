/**
 * LabPort: what a transport (Electron IPC, the web host's WebSocket) needs from LabService.
 * Transports depend on this shape, not on the class, so neither pulls in the engine's imports.
 */
import type { LabEventName, LabEvents, LabMethod, LabResponses } from '../shared/api';

export type LabListener = <E extends LabEventName>(event: E, payload: LabEvents[E]) => void;

export interface LabPort {
  /** Validates the payload and throws LabError (with toInfo()) on any refusal. */
  call<M extends LabMethod>(method: M, payload: unknown): Promise<LabResponses[M]>;
  subscribe(listener: LabListener): () => void;
}
