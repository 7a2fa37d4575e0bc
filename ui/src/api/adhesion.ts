import { call, type Job } from "./core";
import { commands } from "./gen/bindings";
import type { AdhesionQuery, AdhesionRow, AdhesionStatus, Channel, Exported, Step } from "./types";

export const adhesion = (istat: string) => call(commands.adhesionGet(istat));
export const recordStep = (istat: string, step: Step) => call(commands.adhesionRecordStep(istat, step));
/** `stepId`: the step the screen offered to undo (refused if another came since). */
export const undoLastStep = (istat: string, stepId: number, reason: string) =>
  call(commands.adhesionUndoLastStep(istat, stepId, reason));
export const adhesions = (query: AdhesionQuery) => call(commands.adhesionList(query));
export const stalled = () => call(commands.adhesionStalled());
export const bulkInvite = (istat: string[], date: string, protocolNumber: string, channel: Channel, job: Job) =>
  call(commands.adhesionBulkInvite(istat, date, protocolNumber, channel, job.id, job.progress));
export const exportAdhesions = (query: AdhesionQuery, format: "csv" | "xlsx") =>
  call(commands.adhesionExport(query, format));
