// Where keyboard focus goes, written once for every screen:
// - a screen or record that opens puts focus on its heading (focusHeading);
// - a form or panel that opens puts focus on its first field, closes on
//   Escape and, when it goes away (saved, cancelled, closed), gives focus back
//   to the control that opened it, or to a fallback when that control is gone
//   (use:opened);
// - a modal <dialog> does the same (openModal + use:modal), and traps focus;
// - a form shown with use:opened counts as unsaved while its fields differ
//   from what they held when it opened (or while its form helper says so):
//   leaving the screen, quitting or pressing Escape asks first;
// - every change of screen is announced in the polite live region (announce).
import { trackUnsaved } from "./unsaved";

const FIELDS =
  "input:not([type=hidden]):not([disabled]):not([readonly]), select:not([disabled]), textarea:not([disabled]):not([readonly])";
const FOCUSABLE =
  "a[href], button:not([disabled]), input:not([type=hidden]):not([disabled]), select:not([disabled]), textarea:not([disabled]), [tabindex]:not([tabindex='-1'])";

const visible = (el: HTMLElement) => el.getClientRects().length > 0;

/** The first field of `root` (an input, select or textarea), else its first focusable control. */
export function firstField(root: ParentNode): HTMLElement | null {
  const field = [...root.querySelectorAll<HTMLElement>(FIELDS)].find(visible);
  return field ?? [...root.querySelectorAll<HTMLElement>(FOCUSABLE)].find(visible) ?? null;
}

export function focusables(root: ParentNode): HTMLElement[] {
  return [...root.querySelectorAll<HTMLElement>(FOCUSABLE)].filter(visible);
}

/** Focus `el` (if any) without scrolling it out of the way; true if it took focus. */
export function focusEl(el: HTMLElement | null | undefined): boolean {
  if (!el || !el.isConnected) return false;
  el.focus();
  return document.activeElement === el;
}

/** Puts focus on the main heading of the page (the screen's or the record's h1). */
export function focusHeading(): boolean {
  const h = document.querySelector<HTMLElement>("main h1");
  if (!h) return false;
  if (!h.hasAttribute("tabindex")) h.setAttribute("tabindex", "-1");
  return focusEl(h);
}

/**
 * Says `text` in the page's polite live region (#annuncio in App.svelte), for
 * screen readers: cleared first, so the same words said twice are read twice.
 */
export function announce(text: string) {
  const region = document.getElementById("annuncio");
  if (!region) return;
  region.textContent = "";
  requestAnimationFrame(() => (region.textContent = text));
}

let pending = 0;
/**
 * After a screen change: waits (up to about a second) for the new screen's
 * heading, focuses it and names the window after it, so keyboard and
 * screen-reader users start at the top of what they opened.
 */
export function focusHeadingSoon(then?: string | null) {
  const mine = ++pending;
  let frames = 0;
  let titled = false;
  const tryIt = () => {
    if (mine !== pending) return;
    // Someone already chose a control of the new screen (a click, a test): leave it there.
    const a = document.activeElement;
    if (a && a !== document.body && a.closest("main") && !a.matches("main h1")) return;
    const h = document.querySelector<HTMLElement>("main h1");
    if (!titled && h && h.textContent?.trim()) {
      titled = true;
      document.title = `${h.textContent.trim()} — Comunità di Pratiche`;
      announce(`Schermata: ${h.textContent.trim()}`);
      focusHeading();
    }
    // Going back to a list: focus returns to the item that was opened, once it is drawn.
    if (titled && (!then || focusEl(document.querySelector<HTMLElement>(`main ${then}`)))) return;
    if (frames++ < 90) requestAnimationFrame(tryIt);
  };
  requestAnimationFrame(tryIt);
}

/** Whether focus is lost (on the body) or inside `node`, i.e. ours to move. */
function focusIsOurs(node: Element): boolean {
  const a = document.activeElement;
  return !a || a === document.body || node.contains(a) || !a.isConnected;
}

type Target = string | (() => HTMLElement | null | undefined);

function resolve(t: Target | undefined): HTMLElement | null {
  if (!t) return null;
  return typeof t === "string" ? document.querySelector<HTMLElement>(t) : (t() ?? null);
}

/** Gives focus back to `opener`, or to the first of `fallbacks` that exists, or the heading. */
export function giveBack(opener: HTMLElement | null, fallbacks: Target[] = []) {
  // Wait for the page to settle: the closing form is removed and lists are
  // redrawn with what was saved.
  requestAnimationFrame(() => {
    if (opener && opener.isConnected && !(opener as HTMLButtonElement).disabled && visible(opener) && focusEl(opener)) return;
    for (const f of fallbacks) if (focusEl(resolve(f))) return;
    focusHeading();
  });
}

/** What the fields of `root` hold, as one string to compare. */
function fieldValues(root: HTMLElement): string {
  return [...root.querySelectorAll<HTMLInputElement | HTMLSelectElement | HTMLTextAreaElement>("input, select, textarea")]
    .map((el) => (el instanceof HTMLInputElement && (el.type === "checkbox" || el.type === "radio") ? String(el.checked) : el.value))
    .join("\u0001");
}

/**
 * Watches the fields of a form: from the moment it appears, any change
 * counts as unsaved (trackUnsaved) until the form goes away. Returns whether
 * it is dirty now, and the function that stops watching.
 */
function watchFields(
  node: HTMLElement,
  own: () => (() => boolean) | undefined = () => undefined,
): { dirty: () => boolean; reset: () => void; stop: () => void } {
  let start: string | null = null;
  let round = 0;
  // What the fields hold is read once Svelte has finished setting them: in
  // a microtask after the update that showed them, so before any key the
  // user (or a test) can press.
  const reset = () => {
    start = null;
    const mine = ++round;
    queueMicrotask(() => {
      if (mine === round) start = fieldValues(node);
    });
  };
  reset();
  const dirty = () => {
    if (!node.isConnected) return false;
    const d = own();
    return d ? d() : start !== null && fieldValues(node) !== start;
  };
  const untrack = trackUnsaved(dirty);
  return {
    dirty,
    reset,
    stop: () => {
      round++;
      untrack();
    },
  };
}

export interface OpenedOptions {
  /** Called on Escape: the caller closes the form. */
  close?: () => void;
  /** Where focus goes when the opener is gone after closing (selectors or functions, in order). */
  returnTo?: Target | Target[];
  /** Focus this instead of the first field when opening. */
  initial?: Target;
  /**
   * The version of what the form shows (e.g. a count of what was saved):
   * when it changes, what the fields hold becomes the new start, so a form
   * that stays open after saving has nothing unsaved.
   */
  saved?: unknown;
  /** Whether the form holds unsaved changes, when a form helper knows it
   *  (form.svelte.ts): replaces the comparison of the fields. */
  dirty?: () => boolean;
}

/**
 * Svelte action for an inline form or panel shown while some state is set:
 * focus to its first field on open, Escape closes it, focus back to the opener
 * when it is removed.
 */
export function opened(node: HTMLElement, opts: OpenedOptions = {}) {
  let options = opts;
  const a = document.activeElement;
  const opener = a && a !== document.body && !node.contains(a) ? (a as HTMLElement) : null;
  queueMicrotask(() => {
    if (!focusEl(resolve(options.initial))) focusEl(firstField(node));
  });
  const fields = watchFields(node, () => options.dirty);
  let lastSaved = opts.saved;
  const onKey = (e: KeyboardEvent) => {
    // Escape inside a dialog opened from the form (e.g. a date field's calendar) closes only that dialog.
    const inner = (e.target as Element).closest?.("dialog");
    if (inner && inner !== node.closest("dialog")) return;
    if (e.key === "Escape" && options.close && !e.defaultPrevented) {
      e.preventDefault();
      e.stopPropagation();
      if (fields.dirty() && !confirm("Chiudere il modulo senza salvare quanto scritto?")) return;
      options.close();
    }
  };
  node.addEventListener("keydown", onKey);
  return {
    update(o: OpenedOptions) {
      options = o;
      if (o.saved !== lastSaved) {
        lastSaved = o.saved;
        fields.reset();
      }
    },
    destroy() {
      node.removeEventListener("keydown", onKey);
      fields.stop();
      const r = options.returnTo;
      const fallbacks = r === undefined ? [] : Array.isArray(r) ? r : [r];
      // Only when focus was in the form (or lost): a click elsewhere keeps its focus.
      const ours = focusIsOurs(node);
      requestAnimationFrame(() => {
        if (ours || focusIsOurs(node)) giveBack(opener, fallbacks);
      });
    },
  };
}

const openers = new WeakMap<HTMLDialogElement, HTMLElement | null>();
const backs = new WeakMap<HTMLDialogElement, Target>();

/** Opens a modal dialog remembering what had focus (or `back`, found when it closes: where focus goes then), and focuses its first field. */
export function openModal(dlg: HTMLDialogElement | undefined | null, initial?: Target, back?: Target) {
  if (!dlg) return;
  const a = document.activeElement;
  openers.set(dlg, a && a !== document.body ? (a as HTMLElement) : null);
  if (back) backs.set(dlg, back);
  else backs.delete(dlg);
  if (!dlg.open) dlg.showModal();
  queueMicrotask(() => {
    if (!focusEl(resolve(initial))) focusEl(firstField(dlg));
  });
}

/**
 * Svelte action for a modal <dialog>: Tab and Shift+Tab stay inside it,
 * Escape closes it (the browser's cancel), and on close focus goes back to
 * the control that opened it (or to `returnTo`).
 */
export function modal(dlg: HTMLDialogElement, returnTo?: Target) {
  let fallback = returnTo;
  const onKey = (e: KeyboardEvent) => {
    if (e.key !== "Tab") return;
    const list = focusables(dlg);
    if (list.length === 0) return;
    const first = list[0];
    const last = list[list.length - 1];
    if (e.shiftKey && document.activeElement === first) {
      e.preventDefault();
      last.focus();
    } else if (!e.shiftKey && document.activeElement === last) {
      e.preventDefault();
      first.focus();
    }
  };
  const onClose = () => {
    const back = backs.get(dlg);
    // `back` is looked for once the page has settled (what the dialog changed is drawn).
    if (back) giveBack(null, [back, ...(fallback ? [fallback] : [])]);
    else giveBack(openers.get(dlg) ?? null, fallback ? [fallback] : []);
  };
  dlg.addEventListener("keydown", onKey);
  dlg.addEventListener("close", onClose);
  return {
    update(r?: Target) {
      fallback = r;
    },
    destroy() {
      dlg.removeEventListener("keydown", onKey);
      dlg.removeEventListener("close", onClose);
    },
  };
}
