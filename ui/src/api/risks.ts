// Rischi e misure (issue 12): the catalogue, ratings, adoptions, monitoring.
import { call } from "./core";
import type { Exported } from "./types";

export type Level = "B" | "M" | "A";
export type IndicatorKind = "on_off" | "quantitativo" | "percentuale";
export type MeasureState = "da_avviare" | "in_corso" | "attuata" | "non_attuata";

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

export interface Area { id: number; code: string; name: string; kind: string; source: string | null; note: string | null; user_added: boolean; updated_at: string }
export interface VocabularyItem { code: string; name: string; source: string | null }
export interface Vocabulary {
  areas: Area[];
  factors: VocabularyItem[];
  measure_types: VocabularyItem[];
  general_measures: VocabularyItem[];
  sources: { code: string; citation: string }[];
  rating_indicators: string[];
  status: string;
}
export interface TreeEvent { id: number; code: string; description: string; level: Level | null; measures: number }
export interface TreeProcess { id: number; code: string; name: string; simplified: boolean; events: TreeEvent[] }
export interface TreeArea { id: number; code: string; name: string; kind: string; processes: TreeProcess[] }
export interface CatalogueFilter { text?: string | null; area_id?: number | null; type_code?: string | null; general?: boolean | null; level?: Level | null }
export interface MeasureRow { id: number; code: string; title: string; general: boolean; type_code: string; type_name: string; level: Level | null; areas: string[]; events: number; revision: number; complete: boolean }
export interface Phase { description: string; due: string }
export interface Indicator { name: string; kind: IndicatorKind; baseline: string; baseline_date: string; target: string; target_date: string }
export interface IndicatorRating { level: Level | null; motivazione: string }
export interface Rating { indicators: IndicatorRating[]; overall: Level | null; motivazione: string; prudence_reason: string }
export interface EventRef { id: number; code: string; description: string; process_name: string; area_id: number; area_name: string; level: Level | null }
export interface Measure {
  id: number; code: string; title: string; general: boolean; general_measure: string | null; general_measure_name: string | null;
  type_code: string; type_name: string; description: string; events: EventRef[]; cost: boolean; responsabili: string[];
  phases: Phase[]; indicators: Indicator[]; expected: string; source: string; status: string; revision: number;
  updated_at: string; missing: string[]; level: Level | null;
}
export interface MeasureInput {
  title: string; general: boolean; general_measure: string | null; type_code: string; description: string; events: number[];
  cost: boolean; responsabili: string[]; phases: Phase[]; indicators: Indicator[]; expected: string; source: string; version: string | null;
}
export interface Event {
  id: number; code: string; process_id: number; process_code: string; process_name: string; process_phases: string[]; process_office: string;
  area_id: number; area_code: string;
  area_name: string; description: string; factors: VocabularyItem[]; rating: Rating | null; level: Level | null; revision: number;
  updated_at: string; measures: { id: number; code: string; title: string; general: boolean }[];
}
export interface FieldChange { field: string; label: string; before: string; after: string }
export interface RevisionInfo { revision: number; at: string; operator: string }
export interface Context {
  istat: string; comune: string; population: number | null; employees: number | null; segretario_convenzione: boolean;
  convenzione_with: string; units: string; problems: string; notes: string; rpct: string | null; simplified: boolean;
  simplified_processes: { id: number; code: string; name: string; area_name: string }[]; updated_at: string | null;
}
export interface ContextInput {
  employees: number | null; segretario_convenzione: boolean; convenzione_with: string; units: string; problems: string; notes: string; version: string | null;
}
export interface Adoption {
  id: number; istat: string; comune: string; measure_id: number; code: string; title: string; general: boolean; type_name: string;
  revision: number; current_revision: number; responsabili: string[]; phases: Phase[]; indicators: Indicator[]; adopted_on: string;
  state: MeasureState; last_date: string | null; late: boolean; next_due: string | null; updated_at: string;
}
export interface ComuneRating { istat: string; event_id: number; event_code: string; event_description: string; rating: Rating; level: Level; updated_at: string }
export interface ComunePlan { context: Context; adoptions: Adoption[]; late: number; ratings: ComuneRating[] }
export interface AdoptionAdjust { responsabili?: string[] | null; phases?: Phase[] | null }
export interface AdoptionReport { adopted: number; already: number }
export interface RevisionUpdate { adopted: number; current: number; changes: FieldChange[] }
export interface MonitoringInput { date: string; state: MeasureState; motivazione: string; values: (string | null)[]; version: string | null }
export interface MonitoringEntry { id: number; adoption_id: number; date: string; state: MeasureState; motivazione: string; values: (string | null)[]; created_at: string }
export interface LateAdoption { adoption_id: number; istat: string; comune: string; measure_id: number; code: string; title: string; missed_due: string; state: MeasureState; last_date: string | null }
export interface MeasureFigure { measure_id: number; code: string; title: string; general: boolean; adopted: number; implemented: number; late: number }
export interface StateCounts { adopted: number; da_avviare: number; in_corso: number; attuata: number; non_attuata: number; late: number }
export interface AnnualSummary { year: number; general: StateCounts; specific: StateCounts }

export const riskToday = () => call<string>("risk_today");
export const riskVocabulary = () => call<Vocabulary>("risk_vocabulary");
export const riskTree = (filter: CatalogueFilter) => call<TreeArea[]>("risk_tree", { filter });
export const riskMeasures = (filter: CatalogueFilter) => call<MeasureRow[]>("risk_measures", { filter });
export const riskMeasure = (id: number) => call<Measure>("risk_measure", { id });
export const riskEvent = (id: number) => call<Event>("risk_event", { id });
export const addRiskArea = (input: { name: string; kind: string; note?: string | null }) => call<Area>("add_risk_area", { input });
export const createRiskMeasure = (input: MeasureInput) => call<Measure>("create_risk_measure", { input });
export const updateRiskMeasure = (id: number, input: MeasureInput) => call<Measure>("update_risk_measure", { id, input });
export const riskMeasureRevisions = (id: number) => call<RevisionInfo[]>("risk_measure_revisions", { id });
export const riskMeasureDiff = (id: number, from: number, to: number) => call<FieldChange[]>("risk_measure_diff", { id, from, to });
export const rateRiskEvent = (id: number, rating: Rating, version: string | null) => call<Event>("rate_risk_event", { id, rating, version });
export const riskRatingWarning = (rating: Rating) => call<string | null>("risk_rating_warning", { rating });
export const riskContext = (istat: string) => call<Context>("risk_context", { istat });
export const saveRiskContext = (istat: string, input: ContextInput) => call<Context>("save_risk_context", { istat, input });
export const adoptRiskMeasures = (istat: string[], measureIds: number[], adjust: AdoptionAdjust) =>
  call<AdoptionReport>("adopt_risk_measures", { istat, measureIds, adjust });
export const adoptGeneralForZone = (zoneId: number) => call<AdoptionReport>("adopt_general_measures_for_zone", { zoneId });
export const riskPlan = (istat: string) => call<ComunePlan>("risk_plan", { istat });
export const updateRiskAdoption = (id: number, adjust: AdoptionAdjust, version: string | null) =>
  call<Adoption>("update_risk_adoption", { id, adjust, version });
export const withdrawRiskAdoption = (id: number, version: string | null) => call<void>("withdraw_risk_adoption", { id, version });
export const riskAdoptionUpdate = (id: number) => call<RevisionUpdate | null>("risk_adoption_update", { id });
export const acceptRiskRevision = (id: number, version: string | null) => call<Adoption>("accept_risk_revision", { id, version });
export const recordRiskMonitoring = (adoptionId: number, input: MonitoringInput) =>
  call<Adoption>("record_risk_monitoring", { adoptionId, input });
export const riskMonitoring = (adoptionId: number) => call<MonitoringEntry[]>("risk_monitoring", { adoptionId });
export const riskLate = (istat: string | null) => call<LateAdoption[]>("risk_late", { istat });
export const riskMeasureFigures = () => call<MeasureFigure[]>("risk_measure_figures");
export const riskAnnualSummary = (istat: string | null, year: number) => call<AnnualSummary>("risk_annual_summary", { istat, year });
export const rateRiskEventForComune = (istat: string, eventId: number, rating: Rating, version: string | null) =>
  call<ComuneRating>("rate_risk_event_for_comune", { istat, eventId, rating, version });

/** The DOM id of a field named by the core ("phases.1.due" → "prefix-phases-1-due"). */
export const fieldId = (prefix: string, field: string) => `${prefix}-${field.replaceAll(".", "-")}`;
export const exportRiskCatalogue = (what: "misure" | "registro", format: "csv" | "xlsx") =>
  call<Exported | null>("export_risk_catalogue", { what, format });
export const exportRiskPlan = (istat: string, what: "misure" | "monitoraggio", format: "csv" | "xlsx") =>
  call<Exported | null>("export_risk_plan", { istat, what, format });
/** Prints a scheda misura (of the catalogue, or adopted by `istat`), the catalogue or a comune's 2.3 annex
 * through the save dialog; the path written, or null if the user cancelled. */
export const saveRiskDocument = (doc: "scheda" | "catalogo" | "allegato", measureId: number | null, istat: string | null, docx: boolean) =>
  call<string | null>("save_risk_document", { doc, measureId, istat, format: docx ? "docx" : "pdf" });
export interface SchedeReport { folder: string; written: number; total: number; cancelled: boolean }
/** A batch of schede into a folder chosen in the dialog (`batch-progress` events; `cancel_bulk` stops it). */
export const saveRiskSchede = (measureId: number | null, istat: string | null, docx: boolean) =>
  call<SchedeReport | null>("save_risk_schede", { measureId, istat, format: docx ? "docx" : "pdf" });
export interface ComuneFigure { istat: string; comune: string; measures: number; implemented: number; late: number }
export const riskComuneFigures = () => call<ComuneFigure[]>("risk_comune_figures");
export const exportRiskMonitoring = (format: "csv" | "xlsx") => call<Exported | null>("export_risk_monitoring", { format });
export type VocabularyKind = "area" | "factor" | "type" | "general";
export const renameRiskVocabulary = (kind: VocabularyKind, code: string, name: string, shown: string) =>
  call<VocabularyItem>("rename_risk_vocabulary", { kind, code, name, shown });
