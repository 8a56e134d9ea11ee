/// <reference types="svelte" />
/// <reference types="vite/client" />
import type { LabApi } from '../../shared/api';

declare global {
  interface Window {
    /** Set by the Electron preload; absent in a plain browser (the web host). */
    lab?: LabApi;
  }
}
