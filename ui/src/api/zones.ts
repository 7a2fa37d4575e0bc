import { call } from "./core";
import type { Disposition, Referent, Zone } from "./types";

export const zones = () => call<Zone[]>("zones");
export const createZone = (name: string) => call<Zone>("create_zone", { name });
// `version`: the zone's `updated_at` as the form showed it (stale: conflict).
export const renameZone = (id: number, name: string, version: string) =>
  call<Zone>("rename_zone", { id, name, version });
export const deleteZone = (id: number, disposition: Disposition | null, version: string) =>
  call<void>("delete_zone", { id, disposition, version });
export const assignComuni = (zoneId: number | null, istat: string[]) =>
  call<Zone[]>("assign_comuni", { zoneId, istat });
export const setZoneReferent = (zoneId: number, referentId: number | null, version: string) =>
  call<Zone>("set_zone_referent", { zoneId, referentId, version });
export const zoneReferentCandidates = (zoneId: number) =>
  call<Referent[]>("zone_referent_candidates", { zoneId });
export const acceptZoneProposal = () => call<Zone[]>("accept_zone_proposal");
export const discardZoneProposal = () => call<Zone[]>("discard_zone_proposal");
