// Mirrors of the core's serialised types (cdp-core, serde). Keep in step with core/src.

export interface Comune {
  istat: string;
  name: string;
  cadastral_code: string;
  capoluogo: boolean;
  population: number | null;
  population_year: number | null;
  pec: string | null;
  ipa_code: string | null;
  address: string | null;
  phone: string | null;
  website: string | null;
  mayor_name: string | null;
  notes: string | null;
  zone_id: number | null;
  zone_name: string | null;
  lat: number | null;
  lon: number | null;
  /** Who adopts the adhesion act: the Giunta (deliberazione) or the Sindaco (decreto). */
  adopting_organ: Organ;
  /** The office that proposes the act ("Area Amministrativa" by default). */
  proposing_office: string;
  fiscal_code: string | null;
  /** The date the comune left ISTAT's list (suppressed or merged). */
  suppressed_on: string | null;
  updated_at: string;
}

export type Organ = "giunta" | "sindaco";

export type ComuneInput = Pick<
  Comune,
  | "name"
  | "cadastral_code"
  | "population"
  | "population_year"
  | "pec"
  | "ipa_code"
  | "address"
  | "phone"
  | "website"
  | "mayor_name"
  | "notes"
  | "adopting_organ"
  | "fiscal_code"
> & { proposing_office: string | null; version?: string | null };

export interface ComuneRow {
  istat: string;
  name: string;
  cadastral_code: string;
  population: number | null;
  population_year: number | null;
  zone_id: number | null;
  zone_name: string | null;
  rpct_name: string | null;
  pec: string | null;
  ipa_code: string | null;
  mayor_name: string | null;
  phone: string | null;
  website: string | null;
  /** The date the comune left ISTAT's list (suppressed or merged). */
  suppressed_on: string | null;
}

export type SortKey = "name" | "istat" | "population" | "zone" | "rpct";

export interface ComuneQuery {
  text: string;
  zone: string | null;
  population_class: string | null;
  sort: SortKey;
  descending: boolean;
}

/** The whole list, in name order. */
export const ALL_COMUNI: ComuneQuery = {
  text: "",
  zone: null,
  population_class: null,
  sort: "name",
  descending: false,
};

export interface PopulationClass {
  key: string;
  label: string;
}

export type Role = "rpct" | "operativo" | "sindaco" | "altro";

export interface Referent {
  id: number;
  istat: string;
  role: Role;
  role_label: string;
  full_name: string;
  email: string | null;
  phone: string | null;
  valid_from: string | null;
  valid_to: string | null;
  notes: string | null;
  active: boolean;
  /** Version of the record; sent back by the form that edits it. */
  updated_at: string;
}

export type ReferentInput = Pick<
  Referent,
  "role" | "full_name" | "email" | "phone" | "valid_from" | "valid_to" | "notes"
> & { version?: string | null };

export interface Zone {
  id: number;
  name: string;
  proposed: boolean;
  referent_id: number | null;
  referent_name: string | null;
  referent_comune: string | null;
  comuni: number;
  population: number;
  /** Version of the zone; sent back by the forms that change it. */
  updated_at: string;
}

export type Disposition = { kind: "move_to"; zone_id: number } | { kind: "release" };

export interface Dashboard {
  comuni: number;
  population: number;
  with_rpct: number;
  without_rpct: number;
  without_zone: number;
  population_without_zone: number;
  zones: Zone[];
  zone_proposal_pending: boolean;
  missing_rpct: [string, string][];
}

export interface MapShape {
  istat: string;
  name: string;
  d: string;
  x: number;
  y: number;
}

export interface MapData {
  width: number;
  height: number;
  shapes: MapShape[];
}

export interface Settings {
  operator_name: string;
  stall_days: number;
  signatory_name: string;
  signatory_title: string;
  secretariat_pec: string;
  /** The letterhead of the Segreteria (seat, codice fiscale, telephone). */
  secretariat_address: string;
  secretariat_fiscal_code: string;
  secretariat_phone: string;
  /** Folder of the automatic backups; empty: `backup` beside the archive. */
  backup_dir: string;
  /** Where the backups actually go (read only). */
  backup_dir_effective: string;
  /** Version of the settings the form showed (a stale save is a conflict). */
  updated_at: string;
}

export interface ArchiveSummary {
  schema: number;
  comuni: number;
  steps: number;
  documents: number;
}

export interface BackupInfo {
  path: string;
  file_name: string;
  reason: "daily" | "before_migration" | "before_restore" | "before_import" | "manual";
  reason_label: string;
  created_at: string;
  bytes: number;
  summary: ArchiveSummary | null;
  problem: string | null;
}

export interface RestoreReport {
  restored: ArchiveSummary;
  safety_copy: BackupInfo;
}

export interface AuditEntry {
  id: number;
  at: string;
  operator: string;
  action: string;
  entity: string;
  entity_id: string;
  before: string | null;
  after: string | null;
}

export interface AppStatus {
  version: string;
  db_path: string;
  error: { code: string; message: string } | null;
  /** Open read-only: banner, forms disabled. */
  read_only: boolean;
  /** Messages to show once (failed daily backup, archive recovered after a crash). */
  notices: string[];
  /** Today on the core's clock (ISO): the default dates of the forms. */
  today: string;
}

export interface Exported {
  path: string;
  rows: number;
}

// ---- Adhesion workflow (cdp-core adhesion/)

export type AdhesionState =
  | "non_aderente"
  | "invitato"
  | "bozza_inviata"
  | "atto_adottato"
  | "protocollo_sottoscritto"
  | "receduto";

export type StepKind = "invite" | "send_draft" | "adopt_act" | "sign_protocol" | "decline" | "withdraw" | "reminder";
export type Channel = "pec" | "altro";
export type DraftKind = "giunta" | "sindaco";
export type ActType = "deliberazione_giunta" | "decreto_sindacale" | "determinazione_sindacale";
export type Designated = { kind: "existing"; referent_id: number } | { kind: "new"; referent: ReferentInput };

export type Step =
  | { kind: "invite"; date: string; protocol_number: string; channel: Channel }
  | { kind: "send_draft"; date: string; draft: DraftKind; document?: string | null }
  | { kind: "adopt_act"; date: string; act_type: ActType; number: string; immediately_executable: boolean; designated: Designated }
  | { kind: "sign_protocol"; date: string; registry_number: string }
  | { kind: "decline"; date: string; note: string | null }
  | { kind: "withdraw"; date: string; act: string }
  | { kind: "reminder"; date: string; note: string | null };

export interface HistoryEntry {
  id: number;
  kind: string;
  label: string;
  from_state: AdhesionState;
  to_state: AdhesionState;
  date: string;
  recorded_at: string;
  operator: string;
  note: string | null;
  data: Record<string, unknown>;
  document: string | null;
  undone_by: number | null;
}

export interface AdhesionStatus {
  istat: string;
  state: AdhesionState;
  state_label: string;
  since: string | null;
  days_in_state: number | null;
  next_steps: StepKind[];
  undoable: HistoryEntry | null;
  history: HistoryEntry[];
}

export interface AdhesionRow {
  istat: string;
  name: string;
  population: number | null;
  zone_id: number | null;
  zone_name: string | null;
  state: AdhesionState;
  state_label: string;
  since: string | null;
  days_in_state: number | null;
  last_reminder: string | null;
}

export interface AdhesionQuery {
  state: string | null;
  zone: string | null;
}

export interface AdhesionFigures {
  comuni: number;
  members: number;
  population: number;
  population_members: number;
  small_comuni: number;
  small_members: number;
  by_state: { state: AdhesionState; label: string; comuni: number }[];
  by_zone: { zone_id: number | null; zone_name: string; comuni: number; members: number; population: number; population_members: number }[];
  stalled: number;
  stall_days: number;
}
