// The list's query survives leaving the list (to a comune's page and back).
import { ALL_COMUNI, type ComuneQuery } from "../api/types";

export const listQuery = $state<ComuneQuery>({ ...ALL_COMUNI });
