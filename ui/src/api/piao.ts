// Fine anno (issue 21): the comune's sottosezione 2.3 of the PIAO, its
// RPCT's relazione annuale and the view for ANAC's platform.
import { call, type Job } from "./core";
import { commands } from "./gen/bindings";
import type * as G from "./gen/bindings";

export type PiaoData = G.PiaoData_Serialize;
export type PiaoInput = G.PiaoInput_Deserialize;
export type Objective = G.Objective_Serialize;
export type ObjectiveOption = G.ObjectiveOption;
export type TransparencyRow = G.TransparencyRow;
export type Missing = G.Missing;
export type Relazione = G.Relazione_Serialize;
export type PlatformSection = G.PlatformSection;

/** The shipped strategic objectives and the transparency table's source. */
export const piaoChoices = () => call(commands.piaoChoices());
export const piaoData = (istat: string) => call(commands.piaoData(istat));
export const savePiao = (istat: string, input: PiaoInput) => call(commands.piaoSave(istat, input));
export const piaoMissing = (istat: string) => call(commands.piaoMissing(istat));
/** Prints the comune's section 2.3 through the save dialog; the path, or null if cancelled. */
export const savePiaoSection = (istat: string, docx: boolean) =>
  call(commands.piaoSaveSection(istat, docx ? "docx" : "pdf")).then((s) => s?.path ?? null);
/** The sections of the chosen comuni into a folder chosen in the dialog, as `job`. */
export const savePiaoSections = (istat: string[], docx: boolean, job: Job, onExisting: G.OnExisting | null = null) =>
  call(commands.piaoSaveSections(istat, docx ? "docx" : "pdf", onExisting, job.id, job.progress));
export const piaoRelazione = (istat: string, year: number) => call(commands.piaoRelazione(istat, year));
export const savePiaoRelazione = (istat: string, year: number, considerations: string[], version: string | null) =>
  call(commands.piaoSaveRelazione(istat, year, { considerations, version }));
export const savePiaoRelazioneXlsx = (istat: string, year: number) =>
  call(commands.piaoSaveRelazioneXlsx(istat, year)).then((s) => s?.path ?? null);
export const savePiaoRelazioneDocument = (istat: string, year: number, docx: boolean) =>
  call(commands.piaoSaveRelazioneDocument(istat, year, docx ? "docx" : "pdf")).then((s) => s?.path ?? null);
export const piaoPlatform = (istat: string, year: number) => call(commands.piaoPlatform(istat, year));
