// The list's query survives leaving the list (to a comune's page and back).
import type { ComuneQuery } from "../api/types";

export const listQuery = $state<ComuneQuery>({
  text: "",
  zone: null,
  population_class: null,
  sort: "name",
  descending: false,
});
