/**
 * registerLabIpc: LabApi on ipcMain, one `lab:<method>` channel per method, plus pushed
 * events on `lab:event` to our window only. Every call first checks its sender (our
 * window's main frame, showing our page) and always answers with a LabReply envelope:
 * raw errors lose their fields crossing IPC.
 */
import { ipcMain, type BrowserWindow, type IpcMainInvokeEvent } from 'electron';
import { LAB_METHODS, type LabErrorInfo, type LabReply } from '../shared/api';
import type { LabPort } from './lab-port';
import { labReply } from './lab-reply';

export interface LabIpcOptions {
  service: LabPort;
  window: BrowserWindow;
  /** True for the page we load (file:// index or the dev server): nothing else may call. */
  isAppUrl: (url: string) => boolean;
}

export function registerLabIpc({ service, window, isAppUrl }: LabIpcOptions): () => void {
  const contents = window.webContents;
  const trusted = (event: IpcMainInvokeEvent): boolean => {
    const frame = event.senderFrame;
    // Our webContents, its top frame (no parent: not an iframe), showing our page.
    return event.sender === contents && frame !== null && frame.parent === null && isAppUrl(frame.url);
  };

  for (const method of LAB_METHODS) {
    ipcMain.handle(`lab:${method}`, async (event, payload: unknown): Promise<LabReply<unknown>> => {
      if (!trusted(event)) {
        console.warn(`runlab: refused lab:${method} from an untrusted frame (${event.senderFrame?.url ?? 'gone'})`);
        return { ok: false, error: refused(method) };
      }
      return labReply(service, method, payload);
    });
  }

  const unsubscribe = service.subscribe((event, payload) => {
    if (!contents.isDestroyed()) contents.send('lab:event', event, payload);
  });

  return () => {
    unsubscribe();
    for (const method of LAB_METHODS) ipcMain.removeHandler(`lab:${method}`);
  };
}

function refused(method: string): LabErrorInfo {
  return { code: 'unavailable', message: `${method}: refused, the request did not come from Runlab's own page.` };
}
