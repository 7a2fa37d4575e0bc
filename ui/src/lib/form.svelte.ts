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
// form closes (use:opened in focus.ts).
import { isApiError, messageOf } from "../api/core";
import { focusEl } from "./focus";

type Values = Record<string, unknown>;

const same = (a: unknown, b: unknown) => JSON.stringify(a ?? "") === JSON.stringify(b ?? "");

export class Form<T extends Values> {
  values: T = $state() as T;
  /** Messages by field name (the core's `field`). */
  errors: Record<string, string> = $state({});
  /** A message that belongs to no field. */
  error: string | null = $state(null);
  busy = $state(false);
  #start: T = $state() as T;
  #field: string | undefined;
  #idOf: ((field: string) => string) | undefined;

  /** `field`: where an error of the core that names no field of the form is shown (a one-field form);
   *  `idOf`: the id of a field's control, focused when the core names it (a group of boxes has no aria-invalid). */
  constructor(initial: T, opts: { field?: string; idOf?: (field: string) => string } = {}) {
    this.values = structuredClone(initial);
    this.#start = structuredClone(initial);
    this.#field = opts.field;
    this.#idOf = opts.idOf;
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
    Object.assign(this.#start, structuredClone($state.snapshot(values) as Partial<T>));
  }

  /** What the form holds becomes the start: nothing unsaved. */
  reset(values?: T) {
    if (values) this.values = structuredClone(values);
    this.#start = structuredClone($state.snapshot(this.values) as T);
  }

  /** Attributes that link a field to its error (aria-invalid, aria-describedby). */
  aria(field: string, id: string) {
    const e = this.errors[field];
    return { "aria-invalid": e ? ("true" as const) : undefined, "aria-describedby": e ? `${id}-error` : undefined };
  }

  /** Shows an error of the core: beside its field, or for the whole form. */
  fail(e: unknown) {
    const named = isApiError(e) ? e.field : null;
    // A one-field form shows there every error of the core (a stale version, a duplicate).
    const field = (named && !(this.#field && !(named in this.values)) ? named : null) || this.#field;
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
      this.fail(e);
      const named = isApiError(e) && e.field && this.#idOf ? this.#idOf(e.field) : null;
      requestAnimationFrame(() => {
        const scope: ParentNode = root ?? document;
        (named !== null && focusEl(document.getElementById(named))) ||
          focusEl(scope.querySelector<HTMLElement>("[aria-invalid=true]")) ||
          focusEl(scope.querySelector<HTMLElement>("[role=alert]"));
      });
      return undefined;
    } finally {
      this.busy = false;
    }
  }
}
