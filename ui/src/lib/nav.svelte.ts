// Which screen is shown. Sections are the app's top-level views; "comune" is
// the detail page of one comune, reached from the list, the map or the zones.
// Every change of screen asks first if a form holds unsaved changes.
import { mayLeave } from "./unsaved";
import { SECTION_NAMES, type Section } from "./glossary";
export type { Section };

// Alt+key switches section. The sections of the network's work (organigram,
// risks and measures, training) sit between the map and the documents:
// 6 Organigramma, 7 Rischi e misure, 8 Formazione.
export const SECTIONS: { id: Section; label: string; key?: string }[] = ([
  { id: "cruscotto", key: "1" },
  { id: "comuni", key: "2" },
  { id: "adesioni", key: "3" },
  { id: "zone", key: "4" },
  { id: "mappa", key: "5" },
  { id: "organigramma", key: "6" },
  { id: "rischi", key: "7" },
  { id: "formazione", key: "8" },
  { id: "comunicazioni" },
  { id: "fineanno" },
  { id: "documenti", key: "9" },
  { id: "impostazioni", key: "0" },
  { id: "informazioni" },
] as { id: Section; key?: string }[]).map((s) => ({ ...s, label: SECTION_NAMES[s.id] }));

class Nav {
  section = $state<Section>("cruscotto");
  /** The comune whose page is open (null: the section's own view). */
  istat = $state<string | null>(null);
  /** Where "Indietro" goes from a comune's page. */
  back = $state<Section>("comuni");
  /** The control that opened the comune's page, found again when going back. */
  opener: string | null = null;

  go(section: Section) {
    if ((section !== this.section || this.istat !== null) && !mayLeave()) return;
    this.opener = null;
    this.section = section;
    this.istat = null;
  }

  openComune(istat: string) {
    if (istat !== this.istat && !mayLeave()) return;
    if (this.istat === null) {
      this.back = this.section;
      this.opener = selectorOf(document.activeElement);
    }
    this.section = "comuni";
    this.istat = istat;
  }

  closeComune() {
    if (!mayLeave()) return;
    this.istat = null;
    this.section = this.back;
  }
}

export const nav = new Nav();

/** A selector that finds `el` again once its screen is drawn anew (by its comune, else its id). */
function selectorOf(el: Element | null): string | null {
  const row = el?.closest<HTMLElement>("[data-istat]");
  if (el && !row && el.id) return `#${el.id}`;
  if (!el || !row) return null;
  const base = `${row.tagName.toLowerCase()}[data-istat="${row.dataset.istat}"]`;
  return row === el ? base : `${base} ${el.tagName.toLowerCase()}`;
}
