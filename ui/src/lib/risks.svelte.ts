import type { Column } from "../components/DataTable.svelte";
import type { StateCounts } from "../api/risks";
import { GLOSSARY, cap } from "./glossary";
// Where the "Rischi e misure" section opens: the comune's page links to that
// comune's plan through this.
class RisksNav {
  /** A comune whose plan the section should show when it opens. */
  istat = $state<string | null>(null);
}
export const risksNav = new RisksNav();

/** The columns of a table of measures by state (the plan's year, the network's summary). */
export function stateCountColumns(adopted: string): Column<{ label: string; c: StateCounts }>[] {
  return [
    { key: "label", label: "Misure", rowHeader: true },
    { key: "adopted", label: adopted, kind: "num" },
    // One column per state, named as the core says it of several measures.
    ...GLOSSARY.measure_states_plural.map((t) => ({ key: t.code, label: cap(t.label), kind: "num" as const })),
    { key: "late", label: "In ritardo", kind: "num" },
  ];
}
