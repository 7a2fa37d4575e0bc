// Short messages in an aria-live region, optionally with one action (e.g. "Annulla").
export interface Toast {
  id: number;
  kind: "success" | "error" | "info";
  text: string;
  action?: { label: string; run: () => void | Promise<void> };
}

class Toasts {
  items = $state<Toast[]>([]);
  #next = 1;

  show(kind: Toast["kind"], text: string, action?: Toast["action"], ms = 6000) {
    const id = this.#next++;
    this.items.push({ id, kind, text, action });
    // Keep the newest three: older messages would cover the page.
    if (this.items.length > 3) this.items = this.items.slice(-3);
    setTimeout(() => this.dismiss(id), action ? ms * 2 : ms);
  }

  /** On a change of screen: messages about the previous one would only cover the new one. */
  leaveScreen() {
    this.items = this.items.filter((t) => t.kind === "info");
  }

  dismiss(id: number) {
    this.items = this.items.filter((t) => t.id !== id);
  }
}

export const toasts = new Toasts();
