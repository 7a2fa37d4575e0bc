import { call } from "./core";

export type Frequency = "weekly" | "fortnightly" | "monthly_day" | "monthly_weekday";

export interface Choice {
  value: string;
  label: string;
}
export interface TrainingChoices {
  kinds: Choice[];
  modes: Choice[];
  states: Choice[];
  levels: Choice[];
  audiences: Choice[];
}
export interface Theme {
  id: number;
  name: string;
  events: number;
}
export interface GridDay {
  date: string;
  day: number;
  in_month: boolean;
  sunday: boolean;
  holiday: string | null;
}
export interface MonthGrid {
  title: string;
  weeks: GridDay[][];
}
export interface TrainingEvent {
  id: number;
  uid: string;
  sequence: number;
  series_id: number | null;
  kind: string;
  kind_label: string;
  mode: string;
  mode_label: string;
  title: string;
  theme_id: number | null;
  theme: string | null;
  date: string;
  start_time: string;
  end_time: string;
  place: string | null;
  link: string | null;
  speakers: string | null;
  credit_minutes: number;
  hours: string;
  level: string | null;
  audience: string[];
  zone_id: number | null;
  zone: string | null;
  seats: number | null;
  state: string;
  state_label: string;
  notes: string | null;
  attendance: number;
  updated_at: string;
  warnings: string[];
}
export interface EventInput {
  kind: string;
  mode: string;
  title: string;
  theme_id: number | null;
  date: string;
  start_time: string;
  end_time: string;
  place: string | null;
  link: string | null;
  speakers: string | null;
  hours: string | null;
  level: string | null;
  audience: string[];
  zone_id: number | null;
  seats: string | null;
  state: string;
  notes: string | null;
  version: string | null;
}
export interface EventQuery {
  from?: string | null;
  to?: string | null;
  kind?: string | null;
  theme_id?: number | null;
  zone_id?: number | null;
  state?: string | null;
}
export interface SeriesDate {
  date: string;
  note: string | null;
}
export interface SeriesResult {
  series_id: number;
  events: TrainingEvent[];
  notes: string[];
}

export const trainingChoices = () => call<TrainingChoices>("training_choices");
export const trainingMonth = (year: number, month: number) => call<MonthGrid>("training_month", { year, month });
export const trainingThemes = () => call<Theme[]>("training_themes");
export const addTrainingTheme = (name: string) => call<Theme>("add_training_theme", { name });
export const renameTrainingTheme = (id: number, name: string) => call<Theme>("rename_training_theme", { id, name });
export const deleteTrainingTheme = (id: number) => call<void>("delete_training_theme", { id });
export const trainingEvents = (query: EventQuery) => call<TrainingEvent[]>("training_events", { query });
export const trainingEvent = (id: number) => call<TrainingEvent>("training_event", { id });
export const createTrainingEvent = (input: EventInput) => call<TrainingEvent>("create_training_event", { input });
export const updateTrainingEvent = (id: number, input: EventInput) => call<TrainingEvent>("update_training_event", { id, input });
export const moveTrainingEvent = (id: number, date: string, startTime: string, endTime: string, version: string) =>
  call<TrainingEvent>("move_training_event", { id, date, startTime, endTime, version });
export const cancelTrainingEvent = (id: number, version: string) => call<TrainingEvent>("cancel_training_event", { id, version });
export const deleteTrainingEvent = (id: number, version: string) => call<void>("delete_training_event", { id, version });
export const previewTrainingSeries = (date: string, frequency: Frequency, count: number) =>
  call<SeriesDate[]>("preview_training_series", { date, frequency, count });
export const createTrainingSeries = (input: EventInput, frequency: Frequency, count: number) =>
  call<SeriesResult>("create_training_series", { input, frequency, count });
export const exportTrainingIcs = (query: EventQuery, id: number | null) =>
  call<{ path: string } | null>("export_training_ics", { query, id });

export interface Participant {
  id: number;
  referent_id: number | null;
  full_name: string;
  istat: string | null;
  ente: string | null;
  role: string | null;
  email: string | null;
  updated_at: string;
}
export interface ParticipantInput {
  full_name: string;
  istat: string | null;
  ente: string | null;
  role: string | null;
  email: string | null;
  version?: string | null;
}
export interface ReferentCandidate {
  referent_id: number;
  full_name: string;
  comune: string;
  role: string;
  participant_id: number | null;
}
export interface AttendanceRow {
  participant: Participant;
  enrolled: boolean;
  present: boolean | null;
  minutes: number;
  source: string | null;
}
export type MatchStatus = "matched" | "unmatched" | "ambiguous";
export interface ReportPerson {
  key: string;
  name: string;
  email: string | null;
  rows: number;
  minutes: number;
  share: number;
  present: boolean;
  status: MatchStatus;
  participant_id: number | null;
  participant_name: string | null;
  candidates: [number, string][];
}
export interface AttendancePreview {
  event_id: number;
  platform: string;
  described_as: string;
  min_share: number;
  event_minutes: number;
  people: ReportPerson[];
  matched: number;
  unmatched: number;
  ambiguous: number;
  skipped: string[];
}
export type Resolution =
  | { action: "match"; key: string; participant_id: number }
  | { action: "create"; key: string; istat: string | null; ente: string | null }
  | { action: "skip"; key: string };
export interface AttendanceApplied {
  recorded: number;
  present: number;
  created: number;
  skipped: number;
}
export interface Certificate {
  id: number;
  year: number;
  number: number;
  label: string;
  kind: string;
  participant_id: number;
  participant: string;
  ente: string | null;
  event_id: number | null;
  event_title: string | null;
  event_date: string | null;
  ref_year: number | null;
  minutes: number;
  hours: string;
  verification: string;
  issued_at: string;
  reissued_at: string | null;
  reissues: number;
  annulled_at: string | null;
  annul_reason: string | null;
}

export const trainingParticipants = () => call<Participant[]>("training_participants");
export const trainingReferents = () => call<ReferentCandidate[]>("training_referents");
export const addTrainingParticipant = (input: ParticipantInput) => call<Participant>("add_training_participant", { input });
export const participantFromReferent = (referentId: number) => call<Participant>("participant_from_referent", { referentId });
export const setTrainingAttendance = (eventId: number, participantId: number, present: boolean, minutes: number) =>
  call<void>("set_training_attendance", { eventId, participantId, present, minutes });
export const trainingAttendance = (eventId: number) => call<AttendanceRow[]>("training_attendance", { eventId });
export const chooseAttendanceReport = (eventId: number) =>
  call<{ file_name: string; preview: AttendancePreview } | null>("training_attendance_choose", { eventId });
export const applyAttendanceReport = (eventId: number, resolutions: Resolution[]) =>
  call<AttendanceApplied>("training_attendance_apply", { eventId, resolutions });
export const certificates = (year: number | null) => call<Certificate[]>("certificates", { year });
export interface IssuedBatch {
  issued: number;
  first: string | null;
  last: string | null;
  folder: string;
  not_written: string[];
}
/** `issueDate`: the date printed on the attestati (empty: today). */
export const issueEventCertificates = (eventId: number, issueDate: string | null) =>
  call<IssuedBatch | null>("issue_event_certificates", { eventId, issueDate });
export const saveCertificate = (id: number, reissue: boolean) => call<{ path: string } | null>("save_certificate", { id, reissue });
export const reissueCertificate = (id: number) => call<Certificate>("reissue_certificate", { id });
export const annulCertificate = (id: number, reason: string) => call<Certificate>("annul_certificate", { id, reason });

export type CalendarDoc = "calendar" | "programme" | "programme_docx" | "year";
// The programme in Word is the programme in the DOCX format.
export const printTraining = (doc: CalendarDoc, query: EventQuery, from: string, to: string) =>
  call<{ path: string } | null>("print_training", {
    doc: doc === "programme_docx" ? "programme" : doc,
    format: doc === "programme_docx" ? "docx" : "pdf",
    query,
    from,
    to,
  });

export interface TrainingSettings {
  min_share: number;
  target_hours: number;
}
export interface PersonHours {
  participant_id: number;
  full_name: string;
  istat: string | null;
  ente: string | null;
  events: number;
  minutes: number;
  hours: string;
  below_target: boolean;
}
export interface ComuneHours {
  istat: string;
  comune: string;
  people: number;
  minutes: number;
  hours: string;
  average: string;
  below_target: number;
}
export interface HoursReport {
  year: number;
  target_hours: number;
  people: PersonHours[];
  comuni: ComuneHours[];
}
export const trainingHours = (year: number) => call<HoursReport>("training_hours", { year });
export const exportTrainingHours = (year: number, belowOnly: boolean, format: "csv" | "xlsx") =>
  call<{ path: string } | null>("export_training_hours", { year, belowOnly, format });
export const trainingSettings = () => call<TrainingSettings>("training_settings");
export const saveTrainingSettings = (settings: TrainingSettings) => call<TrainingSettings>("save_training_settings", { settings });
export const issueYearCertificate = (participantId: number, refYear: number, issueDate: string | null) =>
  call<Certificate>("issue_year_certificate", { participantId, refYear, issueDate });

export interface NeedInput {
  theme_id: number;
  priority: number | null;
  staff: string | null;
}
export interface SurveyInput {
  istat: string;
  year: number;
  preferred_mode: string | null;
  notes: string | null;
  needs: NeedInput[];
  version: string | null;
}
export interface Survey {
  id: number;
  istat: string;
  comune: string;
  year: number;
  preferred_mode: string | null;
  notes: string | null;
  needs: { theme_id: number; theme: string; priority: number; staff: number }[];
  updated_at: string;
}
export interface Ranking {
  year: number;
  surveys: number;
  rows: { theme_id: number; theme: string; comuni: number; staff: number; score: number; priority: string; unstated: number; staff_text: string }[];
  modes: [string, number][];
  comuni_total: number;
  replied: string[];
}
export const trainingSurvey = (istat: string, year: number) => call<Survey | null>("training_survey", { istat, year });
export const saveTrainingSurvey = (input: SurveyInput) => call<Survey>("save_training_survey", { input });
export const trainingSurveyRanking = (year: number) => call<Ranking>("training_survey_ranking", { year });
export const saveTrainingSurveyPdf = (year: number, results: boolean) => call<{ path: string } | null>("save_training_survey_pdf", { year, results });
export const enrolTraining = (eventId: number, participantIds: number[]) => call<number>("enrol_training", { eventId, participantIds });
export const updateTrainingParticipant = (id: number, input: ParticipantInput) =>
  call<Participant>("update_training_participant", { id, input });
