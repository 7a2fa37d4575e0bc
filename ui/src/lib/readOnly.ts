// Read-only archive: every form under the element is disabled, including the
// ones a screen adds later (a MutationObserver follows the page). Buttons
// outside forms that change data carry `data-write` and are disabled too.
// The core refuses any change anyway; this keeps the user from trying.
const WRITE_CONTROLS = "form input, form select, form textarea, form button, button[data-write]";

function apply(root: HTMLElement) {
  root.querySelectorAll<HTMLInputElement | HTMLButtonElement>(WRITE_CONTROLS).forEach((el) => {
    if (!el.disabled) {
      el.disabled = true;
      el.title = "Archivio in sola lettura";
    }
  });
}

export function disableWrites(node: HTMLElement, on: boolean) {
  let observer: MutationObserver | null = null;
  const set = (v: boolean) => {
    observer?.disconnect();
    observer = null;
    if (!v) return;
    apply(node);
    observer = new MutationObserver(() => apply(node));
    observer.observe(node, { childList: true, subtree: true });
  };
  set(on);
  return {
    update: set,
    destroy: () => observer?.disconnect(),
  };
}
