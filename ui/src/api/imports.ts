// Imports: referents and contacts from a spreadsheet, the registry from ISTAT's list.
import { call, type Job } from "./core";
import { commands } from "./gen/bindings";
import type * as G from "./gen/bindings";

export type Role = G.Role;

/** Which column (by its header) holds each field; null: not in the file. */
export type Mapping = G.Mapping_Serialize;
export type MappingField = Exclude<keyof Mapping, "default_role">;

export type ChosenFile = G.ChosenFile_Serialize;

export type LineStatus = G.LineStatus;
export type PreviewLine = G.PreviewLine_Serialize;
export type Counts = G.Counts;
export type ReferentsPreview = G.ReferentsPreview_Serialize;
export type ImportBatch = G.ImportBatch_Serialize;

export type IstatChangeKind = G.IstatChangeKind;
export type IstatChange = G.IstatChange_Serialize;
export type IstatCounts = G.IstatCounts;
export type IstatPreview = G.IstatPreview_Serialize;

export const importFields = () => call(commands.importsFields()) as Promise<[MappingField, string][]>;
/** The native open dialog; null if it was closed. */
export const chooseImportFile = (kind: "referenti" | "istat") =>
  call(commands.importsChooseFile(kind));
/** Reads the chosen file again (after fixing it). */
export const reloadImportFile = () => call(commands.importsReload());
/** Reads the chosen file again with its header at the file's `line`. */
export const chooseHeaderRow = (line: number) => call(commands.importsHeaderRow(line));
/** `otherPeople`: the lines whose probable match the user says is another person. */
export const previewReferents = (mapping: Mapping, otherPeople: number[], job: Job) =>
  call(commands.importsReferentsPreview(mapping, otherPeople, job.id, job.progress));
export const applyReferents = (mapping: Mapping, otherPeople: number[], job: Job) =>
  call(commands.importsReferentsApply(mapping, otherPeople, job.id, job.progress));
export const previewIstat = (province: string | null) =>
  call(commands.importsIstatPreview(province));
export const applyIstat = (province: string | null) =>
  call(commands.importsIstatApply(province));
export const importBatches = () => call(commands.importsBatches());
export const undoImport = (id: number) => call(commands.importsUndo(id));
