// Colours of the adhesion states on the map and in badges.
import type { AdhesionState } from "../api/types";

export const STATE_COLORS: Record<AdhesionState, string> = {
  non_aderente: "#D9DEE6",
  invitato: "#FFD27A",
  bozza_inviata: "#F29A2E",
  atto_adottato: "#5C9BD6",
  protocollo_sottoscritto: "#008758",
  receduto: "#A61D4D",
};

export const STATE_LABELS: Record<AdhesionState, string> = {
  non_aderente: "Non aderente",
  invitato: "Invitato",
  bozza_inviata: "Bozza inviata",
  atto_adottato: "Atto adottato",
  protocollo_sottoscritto: "Protocollo sottoscritto",
  receduto: "Receduto",
};

export const STATE_ORDER = Object.keys(STATE_LABELS) as AdhesionState[];
