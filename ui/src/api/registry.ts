import { call } from "./core";
import { commands } from "./gen/bindings";
import type {
  Comune,
  ComuneInput,
  ComuneQuery,
  ComuneRow,
  Exported,
  MapData,
  PopulationClass,
  Referent,
  ReferentInput,
} from "./types";

export const listComuni = (query: ComuneQuery) => call(commands.registryListComuni(query));
export const getComune = (istat: string) => call(commands.registryGetComune(istat));
export const updateComune = (istat: string, input: ComuneInput) =>
  call(commands.registryUpdateComune(istat, input));
export const populationClasses = () => call(commands.registryPopulationClasses());
export const referents = (istat: string) => call(commands.registryReferents(istat));
export const addReferent = (istat: string, input: ReferentInput) =>
  call(commands.registryAddReferent(istat, input));
export const updateReferent = (id: number, input: ReferentInput) =>
  call(commands.registryUpdateReferent(id, input));
export const deleteReferent = (id: number, version: string) =>
  call(commands.registryDeleteReferent(id, version));
export const mapData = () => call(commands.registryMapData());
export const exportComuni = (query: ComuneQuery, format: "csv" | "xlsx") =>
  call(commands.registryExportComuni(query, format));
export const openExported = (path: string, folder: boolean) =>
  call(commands.appOpenFile(path, folder)).then(() => undefined);
