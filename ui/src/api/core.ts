// The one place that turns a command's failure into an ApiError: every
// domain module calls a generated wrapper (./gen/bindings) through `call`,
// and every failure arrives as an ApiError {code, message, field}.
import type { Error as CommandError } from "./gen/bindings";

export type ApiError = CommandError;

export function isApiError(e: unknown): e is ApiError {
  return typeof e === "object" && e !== null && "code" in e && "message" in e;
}

export async function call<T>(command: Promise<T>): Promise<T> {
  try {
    return await command;
  } catch (e) {
    if (isApiError(e)) throw e;
    throw { code: "internal", message: `Errore imprevisto: ${String(e)}` } satisfies ApiError;
  }
}

export function messageOf(e: unknown): string {
  return isApiError(e) ? e.message : String(e);
}
