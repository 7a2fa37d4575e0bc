// Documents: templates, previews, generation (one comune or a batch), register.
import { call, type Job } from "./core";
import { commands } from "./gen/bindings";
import type * as G from "./gen/bindings";
import { GLOSSARY, labelOf } from "../lib/glossary";

export type DocKind = G.DocKind;
export type DocFormat = G.DocFormat;

/** Each kind with its full name (the document's title) and its short name (on buttons): the core's (GLOSSARY). */
export const DOC_KINDS: { kind: DocKind; label: string; short: string }[] = GLOSSARY.doc_kinds.map((t) => ({
  kind: t.code,
  label: t.label,
  short: labelOf(GLOSSARY.doc_short_names, t.code),
}));

export type TemplateVersion = G.TemplateVersion_Serialize<DocKind>;

export type TemplateSummary = G.AdhesionTemplateSummary_Serialize;

export type TemplateDetail = G.AdhesionTemplateDetail_Serialize;

export type Span = G.Span;
export type Block = G.Block;

export type Preview = G.Preview;

export type DocumentRecord = G.DocumentRecord_Serialize;

/** What a batch does with a file of the same name already in the folder (core `OnExisting`). */
export type OnExisting = G.OnExisting;
export type ItemOutcome = G.ItemOutcome;
export type BatchItem = G.BatchItem_Serialize;
/** `written` counts every file written, of which `replaced` and `suffixed`. */
export type BatchReport = G.BatchReport_Serialize;
/** One answer of generate_batch: files of the same name to ask about, or the report. */
export type BatchStep = G.BatchStep_Serialize;

export const templates = () => call(commands.documentsTemplates());
export const template = (kind: DocKind) => call(commands.documentsTemplate(kind));
/** `baseVersion`: the version the editor opened (a save over a newer one is refused). */
export const saveTemplate = (kind: DocKind, body: string, baseVersion: number) =>
  call(commands.documentsSaveTemplate(kind, body, baseVersion));
export const restoreTemplate = (kind: DocKind, version: number | null) =>
  call(commands.documentsRestoreTemplate(kind, version));
export const previewTemplate = (kind: DocKind, body: string | null, istat: string | null) =>
  call(commands.documentsPreview(kind, body, istat));
export const previewPdf = (kind: DocKind, body: string | null, istat: string | null) =>
  call(commands.documentsPreviewPdf(kind, body, istat));
export const placeholders = () => call(commands.documentsPlaceholders());
export const documents = (istat: string | null) => call(commands.documentsList(istat));
/** `date`: the document's date as typed (gg/mm/aaaa); empty: left blank («lì ………»). */
export const generateDocument = (kind: DocKind, istat: string, format: DocFormat, date: string | null = null) =>
  call(commands.documentsGenerate(kind, istat, format, date));
/** What a batch generates: one kind, or each comune's own adhesion act. */
export type BatchKind = DocKind | "atto_adesione";
export const BATCH_KINDS: { kind: BatchKind; short: string }[] = [
  { kind: "atto_adesione", short: GLOSSARY.adhesion_act },
  ...DOC_KINDS.map((k) => ({ kind: k.kind as BatchKind, short: k.short })),
];
/** Without a folder, opens the folder dialog (null if closed); with the
 *  folder of an `exists` answer and the user's choice, generates. */
export const generateBatch = (
  kind: BatchKind,
  istat: string[],
  format: DocFormat,
  job: Job,
  folder: string | null = null,
  onExisting: OnExisting | null = null,
  date: string | null = null,
) => call(commands.documentsGenerateBatch(kind, istat, format, folder, onExisting, date, job.id, job.progress));
