// Requests of schede that come back: the generated commands through `call`.
import { call } from "./core";
import { commands } from "./gen/bindings";
import type * as G from "./gen/bindings";

export type SchedaChoice = G.SchedaChoice;
export type ReturnPreview = G.ReturnPreview_Serialize;
export type ReturnApplied = G.ReturnApplied;
export type ReturnChange = G.ReturnChange;
export type ReturnConflict = G.ReturnConflict;
export type ReturnInvalid = G.ReturnInvalid;

export const schede = () => call(commands.commsSchede());
/** The dry run of the files chosen (one per comune); null if the dialog was closed. */
export const chooseReturns = (request: number | null) => call(commands.commsChooseReturns(request));
export const applyReturn = (file: number, request: number | null, takeFile: string[]) =>
  call(commands.commsApplyReturn(file, request, takeFile));
/** Null if the save dialog was closed. */
export const exportScheda = (id: number, istat: string) => call(commands.commsExportScheda(id, istat));
export const remindNotReturned = (id: number) => call(commands.commsRemindNotReturned(id));
