// Core calls added by the UI kit's flows (issue 23), over the generated
// contract: to be folded into the domain modules (training.ts).
import { call } from "./core";
import { commands } from "./gen/bindings";

/** Undoes the cancellation of an event: back to the state it had before (core `restore_training_event`). */
export const restoreTrainingEvent = (id: number, version: string) => call(commands.trainingRestoreEvent(id, version));
