import { call } from "./core";
import { commands } from "./gen/bindings";
import type * as G from "./gen/bindings";
type DocFormat = G.DocFormat;
type Format = G.Format;

export type YearFigures = G.YearFigures;
export type YearFigure = G.YearFigure;
export type YearTexts = G.YearTexts_Serialize;

export const yearlyYears = () => call(commands.yearlyYears());
export const yearlyFigures = (year: number) => call(commands.yearlyFigures(year));
export const yearlyTexts = (year: number) => call(commands.yearlyTexts(year));
export const saveYearlyTexts = (texts: YearTexts) => call(commands.yearlySaveTexts(texts));
export const saveYearlyReport = (year: number, format: DocFormat) => call(commands.yearlySaveReport(year, format));
export const exportYearlyFigure = (year: number, key: string, format: Format) =>
  call(commands.yearlyExportFigure(year, key, format));
