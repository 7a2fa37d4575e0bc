// Imports: referents and contacts from a spreadsheet, the registry from ISTAT's list.
import { call } from "./core";

export type Role = "rpct" | "operativo" | "sindaco" | "altro";

/** Which column (by its header) holds each field; null: not in the file. */
export interface Mapping {
  istat: string | null;
  cadastral_code: string | null;
  comune_name: string | null;
  role: string | null;
  full_name: string | null;
  email: string | null;
  phone: string | null;
  valid_from: string | null;
  default_role: Role | null;
  rpct_name: string | null;
  pec: string | null;
  comune_phone: string | null;
  mayor_name: string | null;
}
export type MappingField = Exclude<keyof Mapping, "default_role">;

export interface ChosenFile {
  file_name: string;
  described_as: string;
  rows: number;
  headers: string[];
  mapping: Mapping | null;
  provinces: string[];
}

export type LineStatus = "unchanged" | "update" | "new" | "error";
export interface PreviewLine {
  line: number;
  status: LineStatus;
  istat: string | null;
  comune: string | null;
  changes: string[];
  errors: { column: string | null; message: string }[];
}
export interface Counts { new: number; update: number; unchanged: number; error: number }
export interface ReferentsPreview {
  file_name: string;
  described_as: string;
  headers: string[];
  mapping: Mapping;
  lines: PreviewLine[];
  counts: Counts;
}
export interface ImportBatch {
  id: number;
  kind: "referenti" | "istat";
  file_name: string;
  at: string;
  operator: string;
  summary: Record<string, number>;
  undone_at: string | null;
}

export type IstatChangeKind = "new" | "changed" | "suppressed" | "restored" | "unchanged";
export interface IstatChange {
  istat: string;
  kind: IstatChangeKind;
  name: string;
  cadastral_code: string;
  province: string;
  old_name: string | null;
  old_cadastral_code: string | null;
}
export interface IstatCounts {
  new: number;
  renamed: number;
  cadastral_changed: number;
  suppressed: number;
  restored: number;
  unchanged: number;
}
export interface IstatPreview {
  file_name: string;
  described_as: string;
  province: string | null;
  provinces: string[];
  changes: IstatChange[];
  counts: IstatCounts;
}

export const importFields = () => call<[MappingField, string][]>("import_fields");
/** The native open dialog; null if it was closed. */
export const chooseImportFile = (kind: "referenti" | "istat") =>
  call<ChosenFile | null>("import_choose_file", { kind });
/** Reads the chosen file again (after fixing it). */
export const reloadImportFile = () => call<ChosenFile>("import_reload");
export const previewReferents = (mapping: Mapping) =>
  call<ReferentsPreview>("import_referents_preview", { mapping });
export const applyReferents = (mapping: Mapping) =>
  call<ImportBatch | null>("import_referents_apply", { mapping });
export const previewIstat = (province: string | null) =>
  call<IstatPreview>("import_istat_preview", { province });
export const applyIstat = (province: string | null) =>
  call<IstatCounts>("import_istat_apply", { province });
export const cancelImport = () => call<void>("cancel_import");
export const importBatches = () => call<ImportBatch[]>("import_batches");
export const undoImport = (id: number) => call<ImportBatch>("undo_import", { id });
