/**
 * labApiFrom: a LabApi object from one generic `call` and one `on`. Written out method by
 * method so the compiler checks it against the contract (a new method is a compile error).
 */
import type { LabApi, LabEventName, LabEvents, LabMethod, LabRequests, LabResponses } from '../../../shared/api';

export type LabCall = <M extends LabMethod>(method: M, request: LabRequests[M]) => Promise<LabResponses[M]>;
export type LabOn = <E extends LabEventName>(event: E, listener: (payload: LabEvents[E]) => void) => () => void;

export function labApiFrom(call: LabCall, on: LabOn): LabApi {
  return {
    listRuns: (request) => call('listRuns', request),
    getRun: (request) => call('getRun', request),
    getMetrics: (request) => call('getMetrics', request),
    getMetricsView: (request) => call('getMetricsView', request),
    getMetricsPage: (request) => call('getMetricsPage', request),
    startRun: (request) => call('startRun', request),
    startSweep: (request) => call('startSweep', request),
    cancelRun: (request) => call('cancelRun', request),
    updateRun: (request) => call('updateRun', request),
    deleteRun: (request) => call('deleteRun', request),
    exportRun: (request) => call('exportRun', request),
    getSchema: (request) => call('getSchema', request),
    systemInfo: (request) => call('systemInfo', request),
    setConcurrency: (request) => call('setConcurrency', request),
    previewData: (request) => call('previewData', request),
    predict: (request) => call('predict', request),
    interpret: (request) => call('interpret', request),
    downloadModel: (request) => call('downloadModel', request),
    pauseRun: (request) => call('pauseRun', request),
    resumeRun: (request) => call('resumeRun', request),
    editRun: (request) => call('editRun', request),
    forkRun: (request) => call('forkRun', request),
    listCheckpoints: (request) => call('listCheckpoints', request),
    getTimeline: (request) => call('getTimeline', request),
    on,
  };
}
