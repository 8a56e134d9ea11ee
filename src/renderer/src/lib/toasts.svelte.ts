/** Short notices after an action (export done, delete failed); they fade on their own. */
export interface Toast {
  id: number;
  kind: 'info' | 'error';
  text: string;
  /** The run it is about, if any (on the element as data-run-id). */
  runId?: string;
}

export class Toasts {
  items = $state.raw<Toast[]>([]);
  #next = 1;

  show(text: string, kind: Toast['kind'] = 'info', ms = kind === 'error' ? 8000 : 4000, runId?: string): void {
    const toast: Toast = { id: this.#next++, kind, text, runId };
    this.items = [...this.items, toast].slice(-4);
    setTimeout(() => this.dismiss(toast.id), ms);
  }

  dismiss(id: number): void {
    this.items = this.items.filter((t) => t.id !== id);
  }
}
