// Which screen is shown. Sections are the app's top-level views; "comune" is
// the detail page of one comune, reached from the list, the map or the zones.
export type Section = "cruscotto" | "comuni" | "adesioni" | "zone" | "mappa" | "documenti" | "impostazioni" | "informazioni";

export const SECTIONS: { id: Section; label: string; key: string }[] = [
  { id: "cruscotto", label: "Cruscotto", key: "1" },
  { id: "comuni", label: "Comuni", key: "2" },
  { id: "adesioni", label: "Adesioni", key: "3" },
  { id: "zone", label: "Zone omogenee", key: "4" },
  { id: "mappa", label: "Mappa", key: "5" },
  { id: "documenti", label: "Documenti", key: "6" },
  { id: "impostazioni", label: "Impostazioni", key: "7" },
  { id: "informazioni", label: "Fonti dei dati", key: "8" },
];

class Nav {
  section = $state<Section>("cruscotto");
  /** The comune whose page is open (null: the section's own view). */
  istat = $state<string | null>(null);
  /** Where "Indietro" goes from a comune's page. */
  back = $state<Section>("comuni");

  go(section: Section) {
    this.section = section;
    this.istat = null;
  }

  openComune(istat: string) {
    if (this.istat === null) this.back = this.section;
    this.section = "comuni";
    this.istat = istat;
  }

  closeComune() {
    this.istat = null;
    this.section = this.back;
  }
}

export const nav = new Nav();
