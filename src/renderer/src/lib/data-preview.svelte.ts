/**
 * DataPreviewState: the New-run form's dataset preview. Asks the lab for a preview of the
 * data the config names, once its data fields have been still for a moment; a reply to an
 * older request than the latest is dropped, so the panel never shows another path's data.
 */
import { LabError, type DataPreview, type LabApi } from '../../../shared/api';
import type { Hyperparams } from '../../../shared/hyperparams';
import { errorMessage } from './error-message';

/** The fields a preview depends on: editing anything else does not ask again. */
const PREVIEW_FIELDS = ['dataset', 'dataPath', 'imageSize', 'channels', 'validFraction', 'seed'] as const;

export type PreviewStatus = 'idle' | 'loading' | 'ready' | 'error';

export class DataPreviewState {
  status = $state<PreviewStatus>('idle');
  preview = $state.raw<DataPreview | null>(null);
  error = $state<string | null>(null);
  #lab: LabApi;
  #delayMs: number;
  #key = '';
  #timer: ReturnType<typeof setTimeout> | null = null;
  #seq = 0;

  constructor(lab: LabApi, delayMs = 350) {
    this.#lab = lab;
    this.#delayMs = delayMs;
  }

  /** The config being drawn (null while it is invalid or names no data): previews it if its data changed. */
  update(config: Hyperparams | null): void {
    const wanted = config !== null && (config.dataset === 'mnist-sample' || config.dataPath.trim() !== '');
    const key = wanted ? JSON.stringify(PREVIEW_FIELDS.map((f) => config[f])) : '';
    if (key === this.#key) return;
    this.#key = key;
    this.#cancelTimer();
    const seq = ++this.#seq;
    if (!wanted) {
      this.status = 'idle';
      this.preview = null;
      this.error = null;
      return;
    }
    this.status = 'loading';
    const request = Object.fromEntries(PREVIEW_FIELDS.map((f) => [f, config[f]]));
    this.#timer = setTimeout(() => void this.#fetch(seq, request), this.#delayMs);
  }

  dispose(): void {
    this.#cancelTimer();
    this.#seq++;
  }

  async #fetch(seq: number, config: Record<string, unknown>): Promise<void> {
    this.#timer = null;
    try {
      const preview = await this.#lab.previewData({ config });
      if (seq !== this.#seq) return;
      this.preview = preview;
      this.error = null;
      this.status = 'ready';
    } catch (error) {
      if (seq !== this.#seq) return;
      this.preview = null;
      // A refusal names its field ("dataPath: …"): the panel sits by that field, so show the message alone.
      this.error = error instanceof LabError && error.errors?.length ? error.errors.map((e) => e.message).join(' ') : errorMessage(error);
      this.status = 'error';
    }
  }

  #cancelTimer(): void {
    if (this.#timer !== null) clearTimeout(this.#timer);
    this.#timer = null;
  }
}
