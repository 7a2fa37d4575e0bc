// After a risks export: where the file went (rows counted as rows, not comuni).
import { openExported } from "../api/registry";
import { messageOf } from "../api/core";
import type { Exported } from "../api/types";
import { count } from "./format";
import { toasts } from "./toast.svelte";

export async function exportRows(what: string, run: () => Promise<Exported | null>) {
  try {
    const res = await run();
    if (!res) return;
    toasts.show("success", `${what}: ${count(res.rows, "riga esportata", "righe esportate", "nessuna riga esportata")} in ${res.path}`, {
      label: "Apri cartella",
      run: () => openExported(res.path, true).catch((e) => toasts.show("error", messageOf(e))),
    });
  } catch (e) {
    toasts.show("error", messageOf(e));
  }
}
