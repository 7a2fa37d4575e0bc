// The core's serialised types, generated from the Rust types (./gen/bindings),
// under the names the screens use: outputs as serialised, inputs as accepted.
import type * as G from "./gen/bindings";

export type Comune = G.Comune_Serialize;

export type Organ = G.Organ;

export type ComuneInput = G.ComuneInput_Serialize;

export type ComuneRow = G.ComuneRow_Serialize;

export type SortKey = G.SortKey;

export type ComuneQuery = G.ComuneQuery_Serialize;

/** The whole list, in name order. */
export const ALL_COMUNI: ComuneQuery = {
  text: "",
  zone: null,
  population_class: null,
  sort: "name",
  descending: false,
};

export type PopulationClass = G.PopulationClass;

export type Role = G.Role;

export type Referent = G.Referent_Serialize;

export type ReferentInput = G.ReferentInput_Serialize;

export type Zone = G.Zone_Serialize;

export type Disposition = G.Disposition;

export type Dashboard = G.Dashboard_Serialize;

export type MapShape = G.MapShape;

export type MapData = G.MapData;

export type Settings = G.Settings_Serialize;

export type ArchiveSummary = G.Summary;

export type BackupInfo = G.BackupInfo_Serialize;

export type RestoreReport = G.RestoreReport_Serialize;

export type AuditEntry = G.AuditEntry_Serialize;

export type AppStatus = G.AppStatus_Serialize;

export type Exported = G.Exported;

// ---- Adhesion workflow (cdp-core adhesion/)

export type AdhesionState = G.State;

export type StepKind = G.StepKind;
export type Channel = G.AdhesionChannel;
export type DraftKind = G.DraftKind;
export type ActType = G.ActType;
export type Designated = G.Designated_Deserialize;

export type Step = G.Step_Deserialize;

export type HistoryEntry = G.HistoryEntry_Serialize;

export type AdhesionStatus = G.AdhesionStatus_Serialize;

export type AdhesionRow = G.AdhesionRow_Serialize;

export type AdhesionQuery = G.AdhesionQuery_Serialize;

export type AdhesionFigures = G.AdhesionFigures_Serialize;
