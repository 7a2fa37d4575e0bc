// The one place that turns a command's failure into an ApiError: every
// domain module calls a generated wrapper (./gen/bindings) through `call`,
// and every failure arrives as an ApiError {code, message, field}.
import { Channel } from "@tauri-apps/api/core";
import { commands, type Error as CommandError, type Progress } from "./gen/bindings";

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

/** Long work (a batch, a bulk action, an import) as a job: `id` is what
 *  «Interrompi» cancels (`cancelJob`), `progress` the typed channel the
 *  command reports its figures on. */
export type Job = { id: number; progress: Channel<Progress> };

/** A new job whose progress reaches `onProgress`. */
export async function startJob(onProgress: (p: Progress) => void): Promise<Job> {
  return { id: await call(commands.jobStart()), progress: new Channel<Progress>(onProgress) };
}

/** «Interrompi»: cancels this job alone. */
export const cancelJob = (job: Job) => call(commands.jobCancel(job.id));
