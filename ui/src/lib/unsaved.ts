// Screens with a form register a check that says whether it holds unsaved
// changes; quitting (Ctrl+Q) asks before losing them.
const checks = new Set<() => boolean>();

/** Registers `isDirty`; returns the function that removes it (an $effect's cleanup). */
export function trackUnsaved(isDirty: () => boolean): () => void {
  checks.add(isDirty);
  return () => checks.delete(isDirty);
}

export const hasUnsaved = () => [...checks].some((c) => c());
