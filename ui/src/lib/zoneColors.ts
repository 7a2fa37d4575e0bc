// Colours of the zones on the map: distinct, readable on white, assigned by
// the zones' order (by name), so a zone keeps its colour while it exists.
import type { ComuneRow, Zone } from "../api/types";

const PALETTE = [
  "#0066CC", "#008758", "#CC7A00", "#A61D4D", "#6B4FA8",
  "#00838F", "#7A6A00", "#B34700", "#3D5A80", "#8E3B8E",
];
export const NO_ZONE = "#D9DEE6";

export function zoneColorMap(zones: Zone[]): Map<number, string> {
  const m = new Map<number, string>();
  zones.forEach((z, i) => m.set(z.id, PALETTE[i % PALETTE.length]));
  return m;
}

/** The map colour of each comune, by the zone it is in. */
export function comuneColors(rows: ComuneRow[], zones: Zone[]): (istat: string) => string {
  const colors = zoneColorMap(zones);
  const zoneOf = new Map(rows.map((r) => [r.istat, r.zone_id]));
  return (istat) => {
    const z = zoneOf.get(istat);
    return z == null ? NO_ZONE : (colors.get(z) ?? NO_ZONE);
  };
}
