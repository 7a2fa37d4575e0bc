// The one glossary of the UI's words. A thing has one name: the sidebar, the
// section's heading and the window's title (taken from the heading, focus.ts)
// say the same. The terms are the Italian of administrative law and of ANAC,
// the same the documents print (the scheda misura's «Valore iniziale» and
// «Valore atteso», core/src/risks/scheda.rs): no English word on screen.
import type { Section } from "./nav.svelte";

/** The name of each section. */
export const SECTION_NAMES: Record<Section, string> = {
  cruscotto: "Cruscotto",
  comuni: "Comuni",
  adesioni: "Adesioni",
  zone: "Zone omogenee",
  mappa: "Mappa del territorio",
  organigramma: "Organigramma",
  rischi: "Rischi e misure",
  formazione: "Formazione e incontri",
  fineanno: "PIAO e relazione annuale",
  documenti: "Documenti",
  impostazioni: "Impostazioni",
  informazioni: "Informazioni e fonti dei dati",
};

/** Terms used where English words were (baseline, target, report, export…). */
export const TERMS = {
  /** An indicator's starting value (baseline). */
  baseline: "valore iniziale",
  /** An indicator's expected value (target). */
  target: "valore atteso",
  /** A platform's attendance export (report). */
  attendanceReport: "rapporto delle presenze",
  /** The toolbar menus of secondary actions. */
  exportMenu: "Esporta",
  printMenu: "Stampa",
  /** Bringing in a file (import). */
  importAction: "Importa",
  /** The registry of comuni and referents («anagrafe», never «anagrafica»). */
  registry: "anagrafe",
} as const;
