// Where the "Rischi e misure" section opens: the comune's page links to that
// comune's plan through this.
class RisksNav {
  /** A comune whose plan the section should show when it opens. */
  istat = $state<string | null>(null);
}
export const risksNav = new RisksNav();
