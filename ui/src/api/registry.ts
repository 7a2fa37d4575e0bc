import { call } from "./core";
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

export const listComuni = (query: ComuneQuery) => call<ComuneRow[]>("list_comuni", { query });
export const getComune = (istat: string) => call<Comune>("get_comune", { istat });
export const updateComune = (istat: string, input: ComuneInput) =>
  call<Comune>("update_comune", { istat, input });
export const populationClasses = () => call<PopulationClass[]>("population_classes");
export const referents = (istat: string) => call<Referent[]>("referents", { istat });
export const addReferent = (istat: string, input: ReferentInput) =>
  call<Referent>("add_referent", { istat, input });
export const updateReferent = (id: number, input: ReferentInput) =>
  call<Referent>("update_referent", { id, input });
export const deleteReferent = (id: number, version: string) =>
  call<void>("delete_referent", { id, version });
export const mapData = () => call<MapData>("map_data");
export const exportComuni = (query: ComuneQuery, format: "csv" | "xlsx") =>
  call<Exported | null>("export_comuni", { query, format });
export const openExported = (path: string, folder: boolean) =>
  call<void>("open_exported", { path, folder });
