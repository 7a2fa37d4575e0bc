import { call } from "./core";
import type { AdhesionFigures, AdhesionQuery, AdhesionRow, AdhesionStatus, Channel, Exported, Step } from "./types";

export const adhesion = (istat: string) => call<AdhesionStatus>("adhesion", { istat });
export const recordStep = (istat: string, step: Step) => call<AdhesionStatus>("record_step", { istat, step });
/** `stepId`: the step the screen offered to undo (refused if another came since). */
export const undoLastStep = (istat: string, stepId: number, reason: string) =>
  call<AdhesionStatus>("undo_last_step", { istat, stepId, reason });
export const adhesions = (query: AdhesionQuery) => call<AdhesionRow[]>("adhesions", { query });
export const stalled = () => call<AdhesionRow[]>("stalled");
export const adhesionFigures = () => call<AdhesionFigures>("adhesion_figures");
export const bulkInvite = (istat: string[], date: string, protocolNumber: string, channel: Channel) =>
  call<number>("bulk_invite", { istat, date, protocolNumber, channel });
export const cancelBulk = () => call<void>("cancel_bulk");
export const exportAdhesions = (query: AdhesionQuery, format: "csv" | "xlsx") =>
  call<Exported | null>("export_adhesions", { query, format });
