import { call, type Job } from "./core";
import { commands } from "./gen/bindings";
import type * as G from "./gen/bindings";

export type Frequency = G.Frequency;

export type Choice = G.Choice;
export type TrainingChoices = G.TrainingChoices;
export type Theme = G.Theme;
export type GridDay = G.GridDay_Serialize;
export type MonthGrid = G.MonthGrid_Serialize;
export type TrainingEvent = G.TrainingEvent_Serialize;
export type EventInput = G.EventInput_Serialize;
export type EventQuery = G.EventQuery_Deserialize;
export type SeriesDate = G.SeriesDate_Serialize;
export type SeriesResult = G.SeriesResult_Serialize;

export const trainingChoices = () => call(commands.trainingChoices());
export const trainingMonth = (year: number, month: number) => call(commands.trainingMonth(year, month));
export const trainingThemes = () => call(commands.trainingThemes());
export const addTrainingTheme = (name: string) => call(commands.trainingAddTheme(name));
export const renameTrainingTheme = (id: number, name: string) => call(commands.trainingRenameTheme(id, name));
export const deleteTrainingTheme = (id: number) => call(commands.trainingDeleteTheme(id));
export const trainingEvents = (query: EventQuery) => call(commands.trainingEvents(query));
export const trainingEvent = (id: number) => call(commands.trainingEvent(id));
export const createTrainingEvent = (input: EventInput) => call(commands.trainingCreateEvent(input));
export const updateTrainingEvent = (id: number, input: EventInput) => call(commands.trainingUpdateEvent(id, input));
export const moveTrainingEvent = (id: number, date: string, startTime: string, endTime: string, version: string) =>
  call(commands.trainingMoveEvent(id, date, startTime, endTime, version));
export const cancelTrainingEvent = (id: number, version: string) => call(commands.trainingCancelEvent(id, version));
export const deleteTrainingEvent = (id: number, version: string) => call(commands.trainingDeleteEvent(id, version));
export const previewTrainingSeries = (date: string, frequency: Frequency, count: number) =>
  call(commands.trainingPreviewSeries(date, frequency, count));
export const createTrainingSeries = (input: EventInput, frequency: Frequency, count: number) =>
  call(commands.trainingCreateSeries(input, frequency, count));
export const exportTrainingIcs = (query: EventQuery, id: number | null) =>
  call(commands.trainingExportIcs(query, id));

export type Participant = G.Participant_Serialize;
export type ParticipantInput = G.ParticipantInput_Deserialize;
export type ReferentCandidate = G.ReferentCandidate_Serialize;
export type AttendanceRow = G.AttendanceRow_Serialize;
export type MatchStatus = G.MatchStatus;
export type ReportPerson = G.ReportPerson_Serialize;
export type AttendancePreview = G.AttendancePreview_Serialize;
export type Resolution = G.Resolution_Serialize;
export type AttendanceApplied = G.AttendanceApplied;
export type Certificate = G.Certificate_Serialize;

export const trainingParticipants = () => call(commands.trainingParticipants());
export const trainingReferents = () => call(commands.trainingReferents());
export const addTrainingParticipant = (input: ParticipantInput) => call(commands.trainingAddParticipant(input));
export const participantFromReferent = (referentId: number) => call(commands.trainingParticipantFromReferent(referentId));
export const setTrainingAttendance = (eventId: number, participantId: number, present: boolean, minutes: number) =>
  call(commands.trainingSetAttendance(eventId, participantId, present, minutes));
export const trainingAttendance = (eventId: number) => call(commands.trainingAttendance(eventId));
export const chooseAttendanceReport = (eventId: number) =>
  call(commands.trainingChooseAttendanceReport(eventId));
/** `confirmTime`: the user confirmed a report more than an hour off the event. */
export const applyAttendanceReport = (eventId: number, resolutions: Resolution[], confirmTime: boolean) =>
  call(commands.trainingApplyAttendanceReport(eventId, resolutions, confirmTime));
export const certificates = (year: number | null) => call(commands.trainingCertificates(year));
export type IssuedBatch = G.IssuedBatch_Serialize;
/** `issueDate`: the date printed on the attestati (empty: today); `onExisting`:
 *  what to do with a file of the same name (default: kept, not overwritten). */
export const issueEventCertificates = (eventId: number, issueDate: string | null, job: Job, onExisting: G.OnExisting | null = null) =>
  call(commands.trainingIssueEventCertificates(eventId, issueDate, onExisting, job.id, job.progress));
export const saveCertificate = (id: number, reissue: boolean) => call(commands.trainingSaveCertificate(id, reissue));
export const reissueCertificate = (id: number) => call(commands.trainingReissueCertificate(id));
export const annulCertificate = (id: number, reason: string) => call(commands.trainingAnnulCertificate(id, reason));

// The programme in Word is the programme in the DOCX format.
export type CalendarDoc = G.CalendarDoc | "programme_docx";
export const printTraining = (doc: CalendarDoc, query: EventQuery, from: string, to: string) =>
  call(
    commands.trainingSaveCalendar(
      doc === "programme_docx" ? "programme" : doc,
      doc === "programme_docx" ? "docx" : "pdf",
      query,
      from,
      to,
    ),
  );

export type TrainingSettings = G.TrainingSettings;
export type PersonHours = G.PersonHours_Serialize;
export type ComuneHours = G.ComuneHours;
export type HoursReport = G.HoursReport_Serialize;
export const trainingHours = (year: number) => call(commands.trainingHours(year));
export const exportTrainingHours = (year: number, belowOnly: boolean, format: "csv" | "xlsx") =>
  call(commands.trainingExportHours(year, belowOnly, format));
export const trainingSettings = () => call(commands.trainingSettings());
export const saveTrainingSettings = (settings: TrainingSettings) => call(commands.trainingSaveSettings(settings));
export const issueYearCertificate = (participantId: number, refYear: number, issueDate: string | null) =>
  call(commands.trainingIssueYearCertificate(participantId, refYear, issueDate));

export type NeedInput = G.NeedInput_Serialize;
export type SurveyInput = G.SurveyInput_Serialize;
export type Survey = G.Survey_Serialize;
export type Ranking = G.Ranking;
export const trainingSurvey = (istat: string, year: number) => call(commands.trainingSurvey(istat, year));
export const saveTrainingSurvey = (input: SurveyInput) => call(commands.trainingSaveSurvey(input));
export const trainingSurveyRanking = (year: number) => call(commands.trainingSurveyRanking(year));
export const saveTrainingSurveyPdf = (year: number, results: boolean) => call(commands.trainingSaveSurveyDocument(year, results));
export const enrolTraining = (eventId: number, participantIds: number[]) => call(commands.trainingEnrol(eventId, participantIds));
export const updateTrainingParticipant = (id: number, input: ParticipantInput) =>
  call(commands.trainingUpdateParticipant(id, input));
