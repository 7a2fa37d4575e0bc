import { call } from "./core";
import { commands } from "./gen/bindings";
import type { Disposition, Referent, Zone } from "./types";

export const zones = () => call(commands.zonesList());
export const createZone = (name: string) => call(commands.zonesCreate(name));
// `version`: the zone's `updated_at` as the form showed it (stale: conflict).
export const renameZone = (id: number, name: string, version: string) =>
  call(commands.zonesRename(id, name, version));
export const deleteZone = (id: number, disposition: Disposition | null, version: string) =>
  call(commands.zonesDelete(id, disposition, version));
export const assignComuni = (zoneId: number | null, istat: string[]) =>
  call(commands.zonesAssignComuni(zoneId, istat));
export const setZoneReferent = (zoneId: number, referentId: number | null, version: string) =>
  call(commands.zonesSetReferent(zoneId, referentId, version));
export const zoneReferentCandidates = (zoneId: number) =>
  call(commands.zonesReferentCandidates(zoneId));
export const acceptZoneProposal = () => call(commands.zonesAcceptProposal());
export const discardZoneProposal = () => call(commands.zonesDiscardProposal());
