// The one place that calls Tauri: every domain module goes through `call`,
// and every failure arrives as an ApiError {code, message, field}.
import { invoke } from "@tauri-apps/api/core";

export interface ApiError {
  code: string;
  message: string;
  field?: string;
}

export function isApiError(e: unknown): e is ApiError {
  return typeof e === "object" && e !== null && "code" in e && "message" in e;
}

export async function call<T>(cmd: string, args?: Record<string, unknown>): Promise<T> {
  try {
    return await invoke<T>(cmd, args);
  } catch (e) {
    if (isApiError(e)) throw e;
    throw { code: "internal", message: `Errore imprevisto: ${String(e)}` } satisfies ApiError;
  }
}

export function messageOf(e: unknown): string {
  return isApiError(e) ? e.message : String(e);
}
