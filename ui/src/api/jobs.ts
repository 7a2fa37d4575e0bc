// Long work (batches, bulk actions, imports) as jobs: each has its own id,
// its progress on a channel, and its «Interrompi» cancels it alone.
import { Channel } from "@tauri-apps/api/core";
import { emit } from "@tauri-apps/api/event";
import { call } from "./core";
import { commands, type Progress } from "./gen/bindings";

/** The running jobs, by the «Interrompi» that stops them. */
const running = { bulk: new Set<number>(), import: new Set<number>() };
export type JobGroup = keyof typeof running;

/** Runs `run` as a new job of `group`. Its progress reaches the window's
 *  listeners of `event` (the screens listen for it by name). */
export async function runJob<T>(
  group: JobGroup,
  event: string,
  run: (job: number, progress: Channel<Progress>) => Promise<T>,
): Promise<T> {
  const job = await call(commands.jobStart());
  const progress = new Channel<Progress>();
  progress.onmessage = (p) => void emit(event, p);
  running[group].add(job);
  try {
    return await call(run(job, progress));
  } finally {
    running[group].delete(job);
  }
}

/** Stops the running jobs of `group` (each through its own token). */
export async function cancelJobs(group: JobGroup): Promise<void> {
  await Promise.all([...running[group]].map((job) => call(commands.jobCancel(job))));
}
