// Documents: templates, previews, generation (one comune or a batch), register.
import { call } from "./core";

export type DocKind = "delibera_giunta" | "decreto_sindacale" | "lettera" | "schema_protocollo";
export type DocFormat = "pdf" | "docx";

export const DOC_KINDS: { kind: DocKind; label: string; short: string }[] = [
  { kind: "delibera_giunta", label: "Proposta di deliberazione della Giunta Municipale", short: "Bozza delibera di Giunta" },
  { kind: "decreto_sindacale", label: "Decreto sindacale", short: "Bozza decreto sindacale" },
  { kind: "lettera", label: "Lettera di trasmissione", short: "Lettera di trasmissione" },
  { kind: "schema_protocollo", label: "Schema di Protocollo d'intesa", short: "Schema di protocollo" },
];

export interface TemplateVersion {
  id: number | null;
  kind: DocKind;
  version: number;
  origin: "default" | "edit" | "restore";
  source: string | null;
  created_at: string | null;
  operator: string | null;
  body: string;
}

export interface TemplateSummary {
  kind: DocKind;
  label: string;
  version: number;
  is_default: boolean;
  /** The template in use is the user's, written on an older default: the default is newer. */
  newer_default: boolean;
  default_version: string;
  updated_at: string | null;
  operator: string | null;
}

export interface TemplateDetail {
  kind: DocKind;
  label: string;
  current: TemplateVersion;
  is_default: boolean;
  default_version: string;
  newer_default: boolean;
  versions: TemplateVersion[];
}

export interface Span { text: string; bold: boolean; italic: boolean }
export type Block =
  | { type: "heading"; level: number; spans: Span[] }
  | { type: "paragraph"; spans: Span[] }
  | { type: "lines"; align: "justify" | "center" | "right" | "right_block"; lines: Span[][] }
  | { type: "list"; ordered: boolean; items: Span[][] }
  | { type: "table"; rows: [Span[], Span[]][] }
  | { type: "signature"; lines: Span[][] }
  | { type: "page_break" };

export interface Preview { title: string; header: string[]; blocks: Block[]; text: string }

export interface DocumentRecord {
  id: number;
  istat: string | null;
  comune: string | null;
  /** The kind's key: a DocKind for the acts, "scheda_misura", "attestato". */
  kind: string;
  kind_label: string;
  /** None for a document built in code (not from a template). */
  template_version: number | null;
  format: DocFormat;
  path: string;
  file_name: string;
  sha256: string;
  bytes: number;
  created_at: string;
  operator: string;
  batch_id: string | null;
}

/** What a batch does with a file of the same name already in the folder (core `OnExisting`). */
export type OnExisting = "replace" | "skip" | "suffix";
export type ItemOutcome = "written" | "replaced" | "skipped" | "suffixed" | "failed";
/** One item of a batch: `key` is what it is (an ISTAT code), `label` what the user reads (the comune). */
export interface BatchItem { key: string; label: string; path: string | null; error: string | null; outcome: ItemOutcome }
/** `written` counts every file written, of which `replaced` and `suffixed`. */
export interface BatchReport {
  written: number;
  replaced: number;
  skipped: number;
  suffixed: number;
  failed: number;
  cancelled: boolean;
  folder: string;
  items: BatchItem[];
}
/** One answer of generate_batch: files of the same name to ask about, or the report. */
export type BatchStep =
  | { status: "exists"; folder: string; existing: number; total: number }
  | { status: "done"; report: BatchReport };

export const templates = () => call<TemplateSummary[]>("templates");
export const template = (kind: DocKind) => call<TemplateDetail>("template", { kind });
/** `baseVersion`: the version the editor opened (a save over a newer one is refused). */
export const saveTemplate = (kind: DocKind, body: string, baseVersion: number) =>
  call<TemplateDetail>("save_template", { kind, body, baseVersion });
export const restoreTemplate = (kind: DocKind, version: number | null) =>
  call<TemplateDetail>("restore_template", { kind, version });
export const previewTemplate = (kind: DocKind, body: string | null, istat: string | null) =>
  call<Preview>("preview_template", { kind, body, istat });
export const previewPdf = (kind: DocKind, body: string | null, istat: string | null) =>
  call<string>("preview_pdf", { kind, body, istat });
export const placeholders = () => call<[string, string][]>("placeholders");
export const documents = (istat: string | null) => call<DocumentRecord[]>("documents", { istat });
/** `date`: the document's date as typed (gg/mm/aaaa); empty: left blank («lì ………»). */
export const generateDocument = (kind: DocKind, istat: string, format: DocFormat, date: string | null = null) =>
  call<DocumentRecord | null>("generate_document", { kind, istat, format, date });
/** What a batch generates: one kind, or each comune's own adhesion act. */
export type BatchKind = DocKind | "atto_adesione";
export const BATCH_KINDS: { kind: BatchKind; short: string }[] = [
  { kind: "atto_adesione", short: "Atto di adesione (delibera o decreto, secondo il comune)" },
  ...DOC_KINDS.map((k) => ({ kind: k.kind as BatchKind, short: k.short })),
];
/** Without a folder, opens the folder dialog (null if closed); with the
 *  folder of an `exists` answer and the user's choice, generates. */
export const generateBatch = (
  kind: BatchKind,
  istat: string[],
  format: DocFormat,
  folder: string | null = null,
  onExisting: OnExisting | null = null,
  date: string | null = null,
) => call<BatchStep | null>("generate_batch", { kind, istat, format, folder, onExisting, date });
