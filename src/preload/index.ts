/**
 * Preload: window.lab implements LabApi over ipcRenderer — the only thing exposed to the
 * page (never ipcRenderer itself). Typed `const lab: LabApi`, so the compiler checks every
 * method against src/shared/api.ts. Type-only imports keep the bundle free of anything but
 * 'electron', as a sandboxed preload requires.
 */
import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron';
import type { LabApi, LabErrorInfo, LabEventName, LabMethod, LabReply, LabRequests, LabResponses } from '../shared/api';

/**
 * Errors crossing contextBridge keep only their message, so a refusal rejects with the plain
 * LabErrorInfo (cloned intact, marked `name: 'LabError'`); the renderer's bridge rethrows it
 * as a LabError with code, field and errors.
 */
async function invoke<M extends LabMethod>(method: M, request: LabRequests[M]): Promise<LabResponses[M]> {
  const reply = (await ipcRenderer.invoke(`lab:${method}`, request)) as LabReply<LabResponses[M]>;
  if (reply.ok) return reply.value;
  throw { name: 'LabError', ...reply.error } satisfies LabErrorInfo & { name: string };
}

const lab: LabApi = {
  listRuns: (request) => invoke('listRuns', request),
  getRun: (request) => invoke('getRun', request),
  getMetrics: (request) => invoke('getMetrics', request),
  getMetricsView: (request) => invoke('getMetricsView', request),
  getMetricsPage: (request) => invoke('getMetricsPage', request),
  startRun: (request) => invoke('startRun', request),
  startSweep: (request) => invoke('startSweep', request),
  cancelRun: (request) => invoke('cancelRun', request),
  updateRun: (request) => invoke('updateRun', request),
  deleteRun: (request) => invoke('deleteRun', request),
  exportRun: (request) => invoke('exportRun', request),
  getSchema: (request) => invoke('getSchema', request),
  systemInfo: (request) => invoke('systemInfo', request),
  setConcurrency: (request) => invoke('setConcurrency', request),
  previewData: (request) => invoke('previewData', request),
  predict: (request) => invoke('predict', request),
  interpret: (request) => invoke('interpret', request),
  downloadModel: (request) => invoke('downloadModel', request),
  pauseRun: (request) => invoke('pauseRun', request),
  resumeRun: (request) => invoke('resumeRun', request),
  editRun: (request) => invoke('editRun', request),
  forkRun: (request) => invoke('forkRun', request),
  listCheckpoints: (request) => invoke('listCheckpoints', request),
  getTimeline: (request) => invoke('getTimeline', request),
  on(event, listener) {
    // The IPC event object (with its sender) never reaches the page.
    const handler = (_event: IpcRendererEvent, name: LabEventName, payload: Parameters<typeof listener>[0]): void => {
      if (name === event) listener(payload);
    };
    ipcRenderer.on('lab:event', handler);
    return () => void ipcRenderer.removeListener('lab:event', handler);
  },
};

contextBridge.exposeInMainWorld('lab', lab);
