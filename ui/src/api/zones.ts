import { call } from "./core";
import type { Disposition, Referent, Zone } from "./types";

export const zones = () => call<Zone[]>("zones");
export const createZone = (name: string) => call<Zone>("create_zone", { name });
export const renameZone = (id: number, name: string) => call<Zone>("rename_zone", { id, name });
export const deleteZone = (id: number, disposition: Disposition | null) =>
  call<void>("delete_zone", { id, disposition });
export const assignComuni = (zoneId: number | null, istat: string[]) =>
  call<Zone[]>("assign_comuni", { zoneId, istat });
export const setZoneReferent = (zoneId: number, referentId: number | null) =>
  call<Zone>("set_zone_referent", { zoneId, referentId });
export const zoneReferentCandidates = (zoneId: number) =>
  call<Referent[]>("zone_referent_candidates", { zoneId });
export const acceptZoneProposal = () => call<Zone[]>("accept_zone_proposal");
export const discardZoneProposal = () => call<Zone[]>("discard_zone_proposal");
