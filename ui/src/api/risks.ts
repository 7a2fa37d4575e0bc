// Rischi e misure (issue 12): the catalogue, ratings, adoptions, monitoring.
import { call, type Job } from "./core";
import { commands } from "./gen/bindings";
import type { Exported } from "./types";
import type * as G from "./gen/bindings";

export type Level = G.Level;
export type IndicatorKind = G.IndicatorKind;
export type MeasureState = G.MeasureState;

export const LEVELS: { v: Level; label: string }[] = [
  { v: "B", label: "Basso" },
  { v: "M", label: "Medio" },
  { v: "A", label: "Alto" },
];
export const levelLabel = (l: Level | null | undefined) => LEVELS.find((x) => x.v === l)?.label ?? "non valutato";
export const KINDS: { v: IndicatorKind; label: string }[] = [
  { v: "on_off", label: "Sì/no (1 o 0)" },
  { v: "quantitativo", label: "Quantitativo" },
  { v: "percentuale", label: "Percentuale (0–100)" },
];
export const STATES: { v: MeasureState; label: string }[] = [
  { v: "da_avviare", label: "Da avviare" },
  { v: "in_corso", label: "In corso" },
  { v: "attuata", label: "Attuata" },
  { v: "non_attuata", label: "Non attuata" },
];
export const stateLabel = (s: MeasureState) => STATES.find((x) => x.v === s)?.label ?? s;

export type Area = G.Area_Serialize;
export type VocabularyItem = G.VocabularyItem_Serialize;
export type Vocabulary = G.Vocabulary_Serialize;
export type TreeEvent = G.TreeEvent_Serialize;
export type TreeProcess = G.TreeProcess_Serialize;
export type TreeArea = G.TreeArea_Serialize;
export type CatalogueFilter = G.CatalogueFilter_Deserialize;
export type MeasureRow = G.MeasureRow_Serialize;
export type Phase = G.Phase;
export type Indicator = G.Indicator;
export type IndicatorRating = G.IndicatorRating_Serialize;
export type Rating = G.Rating_Serialize;
export type EventRef = G.EventRef_Serialize;
export type Measure = G.Measure_Serialize;
export type MeasureInput = G.MeasureInput_Serialize;
export type Event = G.RiskEvent_Serialize;
export type FieldChange = G.FieldChange;
export type RevisionInfo = G.RevisionInfo;
export type Context = G.RiskContext_Serialize;
export type ContextInput = G.ContextInput_Serialize;
export type Adoption = G.Adoption_Serialize;
export type ComuneRating = G.ComuneRating_Serialize;
export type ComunePlan = G.ComunePlan_Serialize;
export type AdoptionAdjust = G.AdoptionAdjust_Deserialize;
export type AdoptionReport = G.AdoptionReport;
export type RevisionUpdate = G.RevisionUpdate;
export type MonitoringInput = G.MonitoringInput_Serialize;
export type MonitoringEntry = G.MonitoringEntry;
export type LateAdoption = G.LateAdoption_Serialize;
export type ValidationState = G.ValidationState_Serialize;
export type ValidationInput = G.ValidationInput_Deserialize;
export type MeasureFigure = G.MeasureFigure;
export type StateCounts = G.StateCounts;
export type AnnualSummary = G.AnnualSummary;

export const riskToday = () => call(commands.risksToday());
export const riskVocabulary = () => call(commands.risksVocabulary());
export const riskTree = (filter: CatalogueFilter) => call(commands.risksTree(filter));
export const riskMeasures = (filter: CatalogueFilter) => call(commands.risksMeasures(filter));
export const riskMeasure = (id: number) => call(commands.risksMeasure(id));
export const riskValidation = () => call(commands.risksValidation());
export const validateRiskCatalogue = (input: ValidationInput) => call(commands.risksValidateCatalogue(input));
export const riskEvent = (id: number) => call(commands.risksEvent(id));
export const createRiskProcess = (input: G.ProcessInput_Deserialize) => call(commands.risksCreateProcess(input));
export const createRiskEvent = (input: G.RiskEventInput_Deserialize) => call(commands.risksCreateEvent(input));
export const updateRiskEvent = (id: number, input: G.RiskEventInput_Deserialize) => call(commands.risksUpdateEvent(id, input));
export const addRiskArea = (input: { name: string; kind: string; note?: string | null }) => call(commands.risksAddArea(input));
export const createRiskMeasure = (input: MeasureInput) => call(commands.risksCreateMeasure(input));
export const updateRiskMeasure = (id: number, input: MeasureInput) => call(commands.risksUpdateMeasure(id, input));
export const riskMeasureRevisions = (id: number) => call(commands.risksMeasureRevisions(id));
export const riskMeasureDiff = (id: number, from: number, to: number) => call(commands.risksMeasureDiff(id, from, to));
export const rateRiskEvent = (id: number, rating: Rating, version: string | null) => call(commands.risksRateEvent(id, rating, version));
export const riskRatingWarning = (rating: Rating) => call(commands.risksRatingWarning(rating));
export const riskContext = (istat: string) => call(commands.risksContext(istat));
export const saveRiskContext = (istat: string, input: ContextInput) => call(commands.risksSaveContext(istat, input));
export const adoptRiskMeasures = (istat: string[], measureIds: number[], adjust: AdoptionAdjust) =>
  call(commands.risksAdoptMeasures(istat, measureIds, adjust));
export const adoptGeneralForZone = (zoneId: number) => call(commands.risksAdoptGeneralForZone(zoneId));
export const riskPlan = (istat: string) => call(commands.risksPlan(istat));
export const updateRiskAdoption = (id: number, adjust: AdoptionAdjust, version: string | null) =>
  call(commands.risksUpdateAdoption(id, adjust, version));
export const withdrawRiskAdoption = (id: number, version: string | null) => call(commands.risksWithdrawAdoption(id, version));
export const riskAdoptionUpdate = (id: number) => call(commands.risksAdoptionUpdate(id));
export const acceptRiskRevision = (id: number, version: string | null) => call(commands.risksAcceptRevision(id, version));
export const recordRiskMonitoring = (adoptionId: number, input: MonitoringInput) =>
  call(commands.risksRecordMonitoring(adoptionId, input));
export const riskMonitoring = (adoptionId: number) => call(commands.risksMonitoring(adoptionId));
export const riskLate = (istat: string | null) => call(commands.risksLate(istat));
export const riskMeasureFigures = () => call(commands.risksMeasureFigures());
export const riskAnnualSummary = (istat: string | null, year: number) => call(commands.risksAnnualSummary(istat, year));
export const rateRiskEventForComune = (istat: string, eventId: number, rating: Rating, version: string | null) =>
  call(commands.risksRateEventForComune(istat, eventId, rating, version));

/** The DOM id of a field named by the core ("phases.1.due" → "prefix-phases-1-due"). */
export const fieldId = (prefix: string, field: string) => `${prefix}-${field.replaceAll(".", "-")}`;
export const exportRiskCatalogue = (what: "misure" | "registro", format: "csv" | "xlsx") =>
  call(commands.risksExportCatalogue(what, format));
export const exportRiskPlan = (istat: string, what: "misure" | "monitoraggio", format: "csv" | "xlsx") =>
  call(commands.risksExportPlan(istat, what, format));
/** Prints a scheda misura (of the catalogue, or adopted by `istat`), the catalogue or a comune's 2.3 annex
 * through the save dialog; the path written, or null if the user cancelled. */
export const saveRiskDocument = (doc: "scheda" | "catalogo" | "allegato", measureId: number | null, istat: string | null, docx: boolean) =>
  call(commands.risksSaveDocument(doc, measureId, istat, docx ? "docx" : "pdf")).then((saved) => saved?.path ?? null);
export type SchedeReport = G.BatchSaved;
/** A batch of schede into a folder chosen in the dialog, as `job` (its progress, its «Interrompi»).
 *  `onExisting`: what to do with a file of the same name (default: a « (2)» suffix). */
export const saveRiskSchede = (measureId: number | null, istat: string | null, docx: boolean, job: Job, onExisting: G.OnExisting | null = null) =>
  call(commands.risksSaveSchede(measureId, istat, docx ? "docx" : "pdf", onExisting, job.id, job.progress));
export type ComuneFigure = G.ComuneFigure;
export const riskComuneFigures = () => call(commands.risksComuneFigures());
export const exportRiskMonitoring = (format: "csv" | "xlsx") => call(commands.risksExportMonitoring(format));
export type VocabularyKind = "area" | "factor" | "type" | "general";
export const renameRiskVocabulary = (kind: VocabularyKind, code: string, name: string, shown: string) =>
  call(commands.risksRenameVocabulary(kind, code, name, shown));
