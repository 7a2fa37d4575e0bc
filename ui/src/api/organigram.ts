// The organigram: units, people and roles, the tree as of a date with its
// layout computed by the core (the UI only draws it). The zone referents are
// set through the zones API (`setZoneReferent`): the same change as in Zone.
import { call } from "./core";
import { commands } from "./gen/bindings";
import type { Exported } from "./types";
import type * as G from "./gen/bindings";

export type NodeKind = G.NodeKind;

export type Member = G.Member_Serialize;

export type OrgNode = G.OrgNode_Serialize;

export type Organigram = G.Organigram_Serialize;

export type BoxLine = G.BoxLine;

export type LayoutBox = G.LayoutBox;

export type Connector = G.Connector;

export type OrgLayout = G.OrgLayout;

export type OrgView = G.OrgView_Serialize;

export type UnitKind = G.UnitKind;

export type Unit = G.Unit_Serialize;

export type UnitInput = G.UnitInput_Serialize;

export type UnitDisposition = G.UnitDisposition;

export type Person = G.Person_Serialize;

export type PersonInput = G.PersonInput_Serialize;

export type PersonChoice = G.PersonChoice_Deserialize;

export type RoleInput = G.RoleInput_Deserialize;

export type Role = G.OrgRole_Serialize;

export type PersonCandidate = G.PersonCandidate_Serialize;

export type HistoryEntry = G.OrgHistoryEntry;

export const orgView = (asOf: string, collapsed: string[]) => call(commands.organigramView(asOf, collapsed));
export const orgUnitKinds = () => call(commands.organigramUnitKinds());
export const orgUnits = () => call(commands.organigramUnits());
export const createOrgUnit = (input: UnitInput) => call(commands.organigramCreateUnit(input));
export const updateOrgUnit = (id: number, input: UnitInput) => call(commands.organigramUpdateUnit(id, input));
export const moveOrgUnit = (id: number, parentId: number | null, index: number, version: string) =>
  call(commands.organigramMoveUnit(id, parentId, index, version));
export const deleteOrgUnit = (id: number, disposition: UnitDisposition | null, version: string) =>
  call(commands.organigramDeleteUnit(id, disposition, version));
export const orgRoles = (unitId: number) => call(commands.organigramRoles(unitId));
export const addOrgRole = (input: RoleInput) => call(commands.organigramAddRole(input));
export const updateOrgRole = (id: number, input: RoleInput) => call(commands.organigramUpdateRole(id, input));
export const deleteOrgRole = (id: number, version: string) => call(commands.organigramDeleteRole(id, version));
export const orgPersonCandidates = (query: string) => call(commands.organigramPersonCandidates(query));
export const orgZoneHistory = (zoneId: number) => call(commands.organigramZoneHistory(zoneId));
export const orgUnitHistory = (unitId: number) => call(commands.organigramUnitHistory(unitId));

export const exportOrgRoles = (asOf: string, format: "csv" | "xlsx") => call(commands.organigramExportRoles(asOf, format));
export const orgAddresses = (asOf: string, key: string) => call(commands.organigramAddresses(asOf, key));
export const exportOrgAddresses = (asOf: string, key: string) => call(commands.organigramExportAddresses(asOf, key));
export const updateOrgPerson = (id: number, input: PersonInput) => call(commands.organigramUpdatePerson(id, input));
/** The organigram as a PDF/A page, through the save dialog: the path, or null if cancelled. */
export const printOrgChart = (asOf: string, collapsed: string[]) => call(commands.organigramSaveChart(asOf, collapsed)).then((saved) => saved?.path ?? null);
export const orgCompositionDocument = (asOf: string, format: "pdf" | "docx") =>
  call(commands.organigramSaveComposition(asOf, format)).then((saved) => saved?.path ?? null);

export type ActTemplate = G.ActTemplate;
export type ActKind = G.ActKind;
export const orgActTemplate = () => call(commands.organigramActTemplate());
export const setOrgActKind = (kind: ActKind) => call(commands.organigramSetActKind(kind));
export const saveOrgActTemplate = (body: string, version: string) => call(commands.organigramSaveActTemplate(body, version));
export const restoreOrgActTemplate = (version: string) => call(commands.organigramRestoreActTemplate(version));
export const orgActDocument = (asOf: string, update: boolean, format: "pdf" | "docx") =>
  call(commands.organigramSaveAct(asOf, update, format)).then((saved) => saved?.path ?? null);
