// The organigram: units, people and roles, the tree as of a date with its
// layout computed by the core (the UI only draws it). The zone referents are
// set through the zones API (`setZoneReferent`): the same change as in Zone.
import { call } from "./core";
import type { Exported } from "./types";

export type NodeKind = "unit" | "zone" | "comune";

export interface Member {
  role_id: number | null;
  person_id: number | null;
  referent_id: number | null;
  istat: string | null;
  title: string;
  full_name: string;
  ente: string | null;
  qualifica: string | null;
  email: string | null;
  phone: string | null;
  valid_from: string | null;
  valid_to: string | null;
}

export interface OrgNode {
  key: string;
  parent: number | null;
  depth: number;
  children: number[];
  kind: NodeKind;
  unit_id: number | null;
  zone_id: number | null;
  istat: string | null;
  kind_label: string;
  name: string;
  description: string | null;
  members: Member[];
  updated_at: string | null;
}

export interface Organigram {
  as_of: string;
  nodes: OrgNode[];
}

export interface BoxLine {
  text: string;
  size: number;
  bold: boolean;
  italic: boolean;
}

export interface LayoutBox {
  key: string;
  node: number;
  x: number;
  y: number;
  w: number;
  h: number;
  lines: BoxLine[];
  hidden: number;
}

export interface Connector {
  x1: number;
  y1: number;
  x2: number;
  y2: number;
}

export interface OrgLayout {
  width: number;
  height: number;
  boxes: LayoutBox[];
  connectors: Connector[];
}

export interface OrgView {
  organigram: Organigram;
  layout: OrgLayout;
}

export interface UnitKind {
  code: string;
  label: string;
}

export interface Unit {
  id: number;
  parent_id: number | null;
  position: number;
  kind: string;
  kind_label: string;
  name: string;
  description: string | null;
  shows_zones: boolean;
  shows_rpct: boolean;
  valid_from: string | null;
  valid_to: string | null;
  updated_at: string;
}

export interface UnitInput {
  parent_id: number | null;
  kind: string;
  name: string;
  description: string | null;
  shows_zones: boolean;
  shows_rpct: boolean;
  valid_from: string | null;
  valid_to: string | null;
  version: string | null;
}

export type UnitDisposition = { kind: "move_to"; unit_id: number } | { kind: "remove" };

export interface Person {
  id: number;
  referent_id: number | null;
  istat: string | null;
  full_name: string;
  ente: string | null;
  qualifica: string | null;
  email: string | null;
  phone: string | null;
  updated_at: string;
}

export interface PersonInput {
  full_name: string;
  ente: string | null;
  qualifica: string | null;
  email: string | null;
  phone: string | null;
  homonym: boolean;
  version?: string | null;
}

export type PersonChoice =
  | { kind: "person"; person_id: number }
  | { kind: "referent"; referent_id: number }
  | ({ kind: "new" } & PersonInput);

export interface RoleInput {
  unit_id: number;
  person: PersonChoice;
  title: string;
  valid_from: string | null;
  valid_to: string | null;
  version: string | null;
}

export interface Role {
  id: number;
  unit_id: number;
  unit_name: string;
  title: string;
  valid_from: string;
  valid_to: string | null;
  person: Person;
  updated_at: string;
}

export interface PersonCandidate {
  source: "person" | "referent";
  id: number;
  full_name: string;
  detail: string;
  email: string | null;
  past: boolean;
}

export interface HistoryEntry {
  at: string;
  operator: string;
  text: string;
}

export const orgView = (asOf: string, collapsed: string[]) => call<OrgView>("org_view", { asOf, collapsed });
export const orgUnitKinds = () => call<UnitKind[]>("org_unit_kinds");
export const orgUnits = () => call<Unit[]>("org_units");
export const createOrgUnit = (input: UnitInput) => call<Unit>("create_org_unit", { input });
export const updateOrgUnit = (id: number, input: UnitInput) => call<Unit>("update_org_unit", { id, input });
export const moveOrgUnit = (id: number, parentId: number | null, index: number, version: string) =>
  call<Unit>("move_org_unit", { id, parentId, index, version });
export const deleteOrgUnit = (id: number, disposition: UnitDisposition | null, version: string) =>
  call<void>("delete_org_unit", { id, disposition, version });
export const orgRoles = (unitId: number) => call<Role[]>("org_roles", { unitId });
export const addOrgRole = (input: RoleInput) => call<Role>("add_org_role", { input });
export const updateOrgRole = (id: number, input: RoleInput) => call<Role>("update_org_role", { id, input });
export const deleteOrgRole = (id: number, version: string) => call<void>("delete_org_role", { id, version });
export const orgPersonCandidates = (query: string) => call<PersonCandidate[]>("org_person_candidates", { query });
export const orgZoneHistory = (zoneId: number) => call<HistoryEntry[]>("org_zone_history", { zoneId });
export const orgUnitHistory = (unitId: number) => call<HistoryEntry[]>("org_unit_history", { unitId });

export const exportOrgRoles = (asOf: string, format: "csv" | "xlsx") => call<Exported | null>("export_org_roles", { asOf, format });
export const orgAddresses = (asOf: string, key: string) => call<string>("org_addresses", { asOf, key });
export const exportOrgAddresses = (asOf: string, key: string) => call<Exported | null>("export_org_addresses", { asOf, key });
export const updateOrgPerson = (id: number, input: PersonInput) => call<Person>("update_org_person", { id, input });
/** The organigram as a PDF/A page, through the save dialog: the path, or null if cancelled. */
export const printOrgChart = (asOf: string, collapsed: string[]) => call<string | null>("print_org_chart", { asOf, collapsed });
export const orgCompositionDocument = (asOf: string, format: "pdf" | "docx") =>
  call<string | null>("org_composition_document", { asOf, format });

export interface ActTemplate {
  body: string;
  is_default: boolean;
  updated_at: string;
  placeholders: string[];
  /** The user's template was written on an older shipped text. */
  newer_default: boolean;
  default_version: string;
}
export const orgActTemplate = () => call<ActTemplate>("org_act_template");
export const saveOrgActTemplate = (body: string, version: string) => call<ActTemplate>("save_org_act_template", { body, version });
export const restoreOrgActTemplate = (version: string) => call<ActTemplate>("restore_org_act_template", { version });
export const orgActDocument = (asOf: string, update: boolean, format: "pdf" | "docx") =>
  call<string | null>("org_act_document", { asOf, update, format });
