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

/** A zone's number on the map and in the legends: its place in the zones' order. */
export function zoneNumbers(zones: Zone[]): Map<number, number> {
  return new Map(zones.map((z, i) => [z.id, i + 1]));
}

/**
 * Where each zone's number is written on the map, so that zones read without
 * colour: on the comune of the zone nearest to the middle of its comuni (a
 * point inside the zone even when the zone is not convex).
 */
export function zoneMarks(rows: ComuneRow[], zones: Zone[], shapes: { istat: string; x: number; y: number }[]): { x: number; y: number; text: string }[] {
  const at = new Map(shapes.map((s) => [s.istat, s]));
  const numbers = zoneNumbers(zones);
  const marks: { x: number; y: number; text: string }[] = [];
  for (const z of zones) {
    const pts = rows.filter((r) => r.zone_id === z.id).map((r) => at.get(r.istat)).filter((p) => p !== undefined);
    if (pts.length === 0) continue;
    const mx = pts.reduce((a, p) => a + p.x, 0) / pts.length;
    const my = pts.reduce((a, p) => a + p.y, 0) / pts.length;
    const best = pts.reduce((b, p) => ((p.x - mx) ** 2 + (p.y - my) ** 2 < (b.x - mx) ** 2 + (b.y - my) ** 2 ? p : b));
    marks.push({ x: best.x, y: best.y, text: String(numbers.get(z.id)) });
  }
  return marks;
}
