// Core calls added by the UI kit's flows (issue 23), beside the generated
// bindings of ui/src/api/: to be folded into them by the contract generator.
import { call } from "./core";
import type { TrainingEvent } from "./training";

/** Undoes the cancellation of an event: back to the state it had before (core `restore_training_event`). */
export const restoreTrainingEvent = (id: number, version: string) =>
  call<TrainingEvent>("restore_training_event", { id, version });

import type { BoxLine } from "./organigram";
/** A line of an organigram box with its baseline, computed by the core's layout (`BoxLine.baseline`). */
export type PlacedLine = BoxLine & { baseline: number };
