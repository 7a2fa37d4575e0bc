// After an export: tell the user where the file went and offer to open its folder.
import { openExported } from "../api/registry";
import { messageOf } from "../api/core";
import type { Exported } from "../api/types";
import { n } from "./format";
import { toasts } from "./toast.svelte";

export async function exportAndTell(what: string, run: () => Promise<Exported | null>) {
  try {
    const res = await run();
    if (!res) return; // the user cancelled the dialog
    toasts.show("success", `${what}: ${n(res.rows)} comuni esportati in ${res.path}`, {
      label: "Apri cartella",
      run: () => openExported(res.path, true).catch((e) => toasts.show("error", messageOf(e))),
    });
  } catch (e) {
    toasts.show("error", messageOf(e));
  }
}

// After a document was generated: say where it went, offer to open it or its folder.
export function tellGenerated(what: string, path: string) {
  toasts.show("success", `${what}: file salvato in ${path}`, {
    label: "Apri",
    run: () => openExported(path, false).catch((e) => toasts.show("error", messageOf(e))),
  });
}
