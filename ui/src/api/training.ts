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
