// Colours and patterns of the adhesion states on the map, in legends and in
// badges. "Non aderente" is a light plain fill, every other state is at least
// 3:1 from it; the other states also differ by pattern (stripes, dots,
// grid, lines, solid), so they can be told apart without colour.
import type { AdhesionState } from "../api/types";
import { GLOSSARY } from "./glossary";

export const STATE_COLORS: Record<AdhesionState, string> = {
  non_aderente: "#F2F4F7",
  invitato: "#A06E00",
  bozza_inviata: "#D9661A",
  atto_adottato: "#2E6DB4",
  protocollo_sottoscritto: "#006B47",
  receduto: "#8E1B45",
};

/** The stages' names, the core's (the register and the documents print the same). */
export const STATE_LABELS = Object.fromEntries(GLOSSARY.adhesion_states.map((t) => [t.code, t.label])) as Record<AdhesionState, string>;

export const STATE_ORDER: AdhesionState[] = GLOSSARY.adhesion_states.map((t) => t.code);

/** The pattern drawn over a state's colour (the SVG <pattern> of MapSvg and the CSS swatch). */
export const STATE_PATTERN: Record<AdhesionState, "none" | "stripes" | "dots" | "grid" | "lines"> = {
  non_aderente: "none",
  invitato: "stripes",
  bozza_inviata: "dots",
  atto_adottato: "grid",
  protocollo_sottoscritto: "none",
  receduto: "lines",
};

/** The map's fill of a state: its colour, or its pattern. */
export const stateFill = (s: AdhesionState) => (STATE_PATTERN[s] === "none" ? STATE_COLORS[s] : `url(#pat-${s})`);

/** A CSS background drawing the same pattern in a legend's swatch. */
export function stateSwatch(s: AdhesionState): string {
  const c = STATE_COLORS[s];
  switch (STATE_PATTERN[s]) {
    case "stripes": return `repeating-linear-gradient(45deg, #fff 0 1.5px, ${c} 1.5px 5px)`;
    case "dots": return `radial-gradient(circle, #17324d 1.3px, transparent 1.6px) 0 0 / 5px 5px, ${c}`;
    case "grid": return `repeating-linear-gradient(0deg, #fff 0 1px, transparent 1px 5px), repeating-linear-gradient(90deg, #fff 0 1px, ${c} 1px 5px)`;
    case "lines": return `repeating-linear-gradient(0deg, #fff 0 1.5px, ${c} 1.5px 5px)`;
    default: return c;
  }
}
