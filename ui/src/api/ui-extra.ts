// Core calls added by the UI kit's flows (issue 23), beside the generated
// bindings of ui/src/api/: to be folded into them by the contract generator.
import { call } from "./core";
import type { TrainingEvent } from "./training";

/** Undoes the cancellation of an event: back to the state it had before (core `restore_training_event`). */
export const restoreTrainingEvent = (id: number, version: string) =>
  call<TrainingEvent>("restore_training_event", { id, version });
