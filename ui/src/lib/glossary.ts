// The one glossary of the UI's words. A thing has one name: the sidebar, the
// section's heading and the window's title (taken from the heading, focus.ts)
// say the same. The terms are the Italian of administrative law and of ANAC,
// the same the documents print (the scheda misura's «Valore iniziale» and
// «Valore atteso», core/src/risks/scheda.rs): no English word on screen.
// The names of the domain's codes (stages of adhesion, steps, kinds of act,
// roles, risk levels, states of a measure, kinds of indicator) are the
// core's, the ones the documents print: GLOSSARY comes from
// core/src/glossary.rs through the generated contract, never typed here.
import { GLOSSARY } from "../api/gen/bindings";

export { GLOSSARY };

type Term<C extends string> = { readonly code: C; readonly label: string };

/** «deliberazione di Giunta» → «Deliberazione di Giunta», for a choice or a heading. */
export const cap = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);

/** The label of `code` in one of GLOSSARY's lists (`none` when there is no code). */
export function labelOf<C extends string>(list: readonly Term<C>[], code: C | null | undefined, none = ""): string {
  return list.find((t) => t.code === code)?.label ?? (code ?? none);
}

/** A list of GLOSSARY as a select's choices, capitalised. */
export function choices<C extends string>(list: readonly Term<C>[], keep: (code: C) => boolean = () => true) {
  return list.filter((t) => keep(t.code)).map((t) => ({ value: t.code, label: cap(t.label) }));
}

/** A measure's nature, capitalised: «Generale» / «Specifica» (`plural`: «Generali» / «Specifiche»). */
export const natureLabel = (general: boolean, plural = false) => {
  const n = GLOSSARY.measure_natures;
  return cap(general ? (plural ? n.general_plural : n.general) : plural ? n.specific_plural : n.specific);
};

/** The app's top-level views (nav.svelte.ts shows one); "comune" is the detail page of one comune. */
export type Section = "cruscotto" | "comuni" | "adesioni" | "zone" | "mappa" | "organigramma" | "rischi" | "formazione" | "comunicazioni" | "fineanno" | "documenti" | "impostazioni" | "informazioni";

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
  comunicazioni: "Comunicazioni",
  fineanno: "PIAO e relazione annuale",
  documenti: "Documenti",
  impostazioni: "Impostazioni",
  informazioni: "Informazioni e fonti dei dati",
};

/** Terms used where English words were (baseline, target, export, print). The
 *  registry of comuni and referents is the «anagrafe» (never «anagrafica»),
 *  in the core's messages and documents too. */
export const TERMS = {
  /** An indicator's starting value (baseline), as the scheda prints it. */
  baseline: GLOSSARY.indicator_values.baseline.toLowerCase(),
  /** An indicator's expected value (target). */
  target: GLOSSARY.indicator_values.target.toLowerCase(),
  /** The toolbar menus of secondary actions. */
  exportMenu: "Esporta",
  printMenu: "Stampa",
} as const;
