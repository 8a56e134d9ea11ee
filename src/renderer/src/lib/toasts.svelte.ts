/** Short notices after an action (export done, delete failed); they fade on their own. */
export interface Toast {
  id: number;
  kind: 'info' | 'error';
  text: string;
}

export class Toasts {
  items = $state.raw<Toast[]>([]);
  #next = 1;

  show(text: string, kind: Toast['kind'] = 'info', ms = kind === 'error' ? 8000 : 4000): void {
    const toast: Toast = { id: this.#next++, kind, text };
    this.items = [...this.items, toast].slice(-4);
    setTimeout(() => this.dismiss(toast.id), ms);
  }

  dismiss(id: number): void {
    this.items = this.items.filter((t) => t.id !== id);
  }
}
