// Screens with a form register a check that says whether it holds unsaved
// changes; quitting (Ctrl+Q), changing section (sidebar, Alt+number) and
// leaving a comune's page ask before losing them.
const checks = new Set<() => boolean>();

/** Registers `isDirty`; returns the function that removes it (an $effect's cleanup). */
export function trackUnsaved(isDirty: () => boolean): () => void {
  checks.add(isDirty);
  return () => checks.delete(isDirty);
}

export const hasUnsaved = () => [...checks].some((c) => c());

/** True if there is nothing unsaved, or the user agrees to lose it. */
export function mayLeave(question = "Ci sono modifiche non salvate. Uscire senza salvarle?"): boolean {
  return !hasUnsaved() || confirm(question);
}
