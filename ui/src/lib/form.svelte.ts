// The one form helper: what a form holds, what it held when it opened,
// errors by field from the core's {code, message, field}, busy while the
// core works, and submit. Every form of the app keeps its state here instead
// of re-typing the same machine:
//
//   const form = new Form({ name: "", hours: "" });
//   <form use:opened={{ close, dirty: () => form.dirty }} onsubmit={(e) => form.submit(e, save)}>
//     <Field id="t-name" label="Nome" bind:value={form.values.name} error={form.errors.name} />
//
// Unsaved means what the user changed: a field the screen fills after opening
// (a default, a date proposed by the core) is set with `form.init`, not
// counted. Submit clears the errors, marks the form busy, calls the core and,
// on failure, puts the message beside its field (or in `form.error`) and
// moves focus to the first field in error; on success the saved values are
// the new start (nothing unsaved), and focus goes back to the opener when the
// form closes (use:opened in focus.ts). A form that stays on screen (a
// record's data, settings) registers its unsaved state with
// `$effect(() => form.track())`; a check the screen makes before calling the
// core rejects with `invalid(field, message)`, shown like the core's.
import { tick } from "svelte";
import { isApiError, messageOf, type ApiError } from "../api/core";
import { focusEl } from "./focus";
import { trackUnsaved } from "./unsaved";

type Values = Record<string, unknown>;

const same = (a: unknown, b: unknown) => JSON.stringify(a ?? "") === JSON.stringify(b ?? "");

/** A refusal of the screen's own, shaped as the core's: `throw invalid("minutes", "…")` inside a submit. */
export const invalid = (field: string, message: string): ApiError => ({ code: "validation", message, field });

export interface FormOptions {
  /** Where an error of the core that names no field of the form is shown (a one-field form). */
  field?: string;
  /** The id of a field's control, focused when the core names it (a group of boxes has no aria-invalid). */
  idOf?: (field: string) => string;
  /** The form's name for a field the core names otherwise (a new referent's `full_name` is the step form's `new_name`). */
  alias?: Record<string, string>;
  /** Shows an error itself (e.g. a stale version with «Ricarica»): true when it did. */
  onerror?: (e: unknown) => boolean;
}

export class Form<T extends Values> {
  values: T = $state() as T;
  /** Messages by field name (the core's `field`). */
  errors: Record<string, string> = $state({});
  /** A message that belongs to no field. */
  error: string | null = $state(null);
  busy = $state(false);
  #start: T = $state() as T;
  #opts: FormOptions;

  constructor(initial: T, opts: FormOptions = {}) {
    // A snapshot: the initial values may be another component's state (a proxy, which structuredClone refuses).
    this.values = $state.snapshot(initial) as T;
    this.#start = $state.snapshot(initial) as T;
    this.#opts = opts;
  }

  /** For a form that stays on screen: its unsaved changes hold back leaving and quitting (an $effect's return). */
  track(): () => void {
    return trackUnsaved(() => this.dirty);
  }

  /** The fields the user changed since the form opened (or was last saved). */
  get changed(): (keyof T)[] {
    return Object.keys(this.values).filter((k) => !same(this.values[k], this.#start[k])) as (keyof T)[];
  }

  get dirty(): boolean {
    return this.changed.length > 0;
  }

  /** Sets fields without counting them as the user's changes. */
  init(values: Partial<T>) {
    Object.assign(this.values, values);
    Object.assign(this.#start, $state.snapshot(values) as Partial<T>);
  }

  /** What the form holds becomes the start: nothing unsaved. */
  reset(values?: T) {
    if (values) this.values = $state.snapshot(values) as T;
    this.#start = $state.snapshot(this.values) as T;
  }

  /** Attributes that link a field to its error (aria-invalid, aria-describedby). */
  aria(field: string, id: string) {
    const e = this.errors[field];
    return { "aria-invalid": e ? ("true" as const) : undefined, "aria-describedby": e ? `${id}-error` : undefined };
  }

  /** Shows an error of the core: beside its field, or for the whole form. */
  fail(e: unknown) {
    const raw = isApiError(e) ? e.field : null;
    const named = raw ? (this.#opts.alias?.[raw] ?? raw) : null;
    const one = this.#opts.field;
    // A one-field form shows there every error of the core (a stale version, a duplicate).
    const field = (named && !(one && !(named in this.values)) ? named : null) || one;
    if (field) this.errors = { ...this.errors, [field]: messageOf(e) };
    else this.error = messageOf(e);
  }

  /**
   * Submits: `action` receives the values and calls the core. Returns what
   * it returned, or undefined when it failed (the error shown, focus on the
   * first field in error of the submitted form, else on its message).
   */
  async submit<R>(ev: Event | null, action: (values: T) => Promise<R>): Promise<R | undefined> {
    ev?.preventDefault();
    if (this.busy) return undefined;
    const root = (ev?.currentTarget as HTMLElement | null) ?? null;
    this.errors = {};
    this.error = null;
    this.busy = true;
    try {
      const r = await action($state.snapshot(this.values) as T);
      this.reset();
      return r;
    } catch (e) {
      if (this.#opts.onerror?.(e)) return undefined;
      this.fail(e);
      const raw = isApiError(e) ? e.field : null;
      const idOf = this.#opts.idOf;
      const named = raw && idOf ? idOf(this.#opts.alias?.[raw] ?? raw) : null;
      // Once the error is drawn (tick), in the same turn: focus is on the field when the message appears.
      await tick();
      const scope: ParentNode = root ?? document;
      (named !== null && focusEl(document.getElementById(named))) ||
        focusEl(scope.querySelector<HTMLElement>("[aria-invalid=true]")) ||
        focusEl(scope.querySelector<HTMLElement>("[role=alert]"));
      return undefined;
    } finally {
      this.busy = false;
    }
  }
}
