// PIAO e relazione annuale through the real app (issue 21): a secretary
// opens a comune, sees what the archive lacks for its sottosezione 2.3,
// fills the period, the RPCT's act and a strategic objective from the
// shipped list, saves (the list shrinks), prints the section through the
// save dialog and reads the six parts in the PDF; writes a consideration
// of the relazione with ANAC's limit counted while typing, saves the
// relazione as ANAC's workbook; and finds the platform view's copy buttons.
import { test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdtempSync, readdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { App, answerSaveDialogInFolder, waitFor } from "./wd.mjs";

const SHOTS = process.env.E2E_SHOTS;
const COMUNE = "Novara di Sicilia";

test("the sottosezione 2.3 of a comune printed through the save dialog, its relazione saved as ANAC's workbook", async () => {
  const app = await App.start();
  try {
    await app.nav("fineanno");
    await waitFor(async () => (await app.text("h1")) === "PIAO e relazione annuale", "the section");
    await app.select("#ye-comune", COMUNE, { byText: true });
    await app.el("[data-testid=ye-missing]");
    const before = await app.text("[data-testid=ye-missing]");
    assert.match(before, /Periodo di riferimento/);
    assert.match(before, /Atto di nomina del RPCT/);
    assert.match(before, /Obiettivi strategici/);
    await app.assertAxe("sezione 2.3");
    if (SHOTS) await app.screenshot(join(SHOTS, "piao-sezione.png"));

    // The data only this screen holds: saved, the list of what is missing shrinks.
    await app.typeWhole("#ye-first_year", "2028");
    await app.typeWhole("#ye-rpct_act", "decreto sindacale n. 3 del 15/01/2025");
    await app.select("#ye-pick", "OS-01");
    await app.click("[data-testid=ye-add-objective]");
    await app.el("[data-testid=ye-objective]");
    await app.click("[data-testid=ye-save]");
    await waitFor(async () => !/Periodo di riferimento/.test(await app.text("[data-testid=ye-missing]")), "the period no longer missing");
    const after = await app.text("[data-testid=ye-missing]");
    assert.doesNotMatch(after, /Atto di nomina del RPCT/);
    assert.doesNotMatch(after, /Obiettivi strategici e loro indicatori/);

    // Printed through the save dialog: the six parts and the period.
    const dir = mkdtempSync(join(tmpdir(), "cdp-piao-"));
    await app.dismissToasts();
    await app.exec("document.querySelector('[data-testid=ye-print-pdf]').click()");
    answerSaveDialogInFolder(`Salva la sottosezione 2.3 del PIAO di ${COMUNE}`, dir);
    await waitFor(() => readdirSync(dir).some((f) => f.endsWith(".pdf")), "the section written");
    const file = join(dir, readdirSync(dir).find((f) => f.endsWith(".pdf")));
    assert.match(file, /PIAO_sezione_2\.3_Novara_di_Sicilia\.pdf$/);
    const pdf = execFileSync("pdftotext", [file, "-"]).toString().replace(/\s+/g, " ");
    for (const part of ["1. Scheda anagrafica", "2. Obiettivi strategici", "3. Analisi del contesto esterno", "4. Analisi del contesto interno", "5. Trasparenza", "6. Monitoraggio"]) {
      assert.ok(pdf.includes(part), `«${part}» in the PDF`);
    }
    assert.match(pdf, /2028–2030/);
    assert.match(pdf, /decreto sindacale n\. 3 del 15\/01\/2025/);
    assert.match(pdf, /Revisione del codice di comportamento/);

    // The relazione: ANAC's limit counted while typing, saved, then the workbook.
    await app.click("#ye-tab-relazione");
    await app.el("#ye-considerations-0");
    await app.typeWhole("#ye-considerations-0", "Le misure programmate sono state attuate in larga parte.");
    await waitFor(async () => /^56 di 2000 caratteri$/.test(await app.text("[data-testid=ye-count-0]")), "the count of characters");
    await app.click("[data-testid=ye-rel-save]");
    await waitFor(async () => !/Considerazioni generali 1\.A/.test(await app.text("[data-testid=ye-unanswered]")), "1.A answered");
    assert.match(await app.text("[data-testid=ye-unanswered]"), /Considerazioni generali 1\.B/);
    await app.assertAxe("relazione del RPCT");
    if (SHOTS) await app.screenshot(join(SHOTS, "piao-relazione.png"));
    await app.dismissToasts();
    await app.click("[data-testid=ye-rel-xlsx]");
    answerSaveDialogInFolder(`Salva la relazione del RPCT 2026 di ${COMUNE} sul modello ANAC`, dir);
    await waitFor(() => readdirSync(dir).some((f) => f.endsWith(".xlsx")), "the workbook written");
    assert.ok(readdirSync(dir).includes("Relazione_RPCT_2026_Novara_di_Sicilia.xlsx"));

    // The platform view: its sections and a copy button per value.
    await app.click("#ye-tab-piattaforma");
    await app.el("[data-testid=ye-copy]");
    assert.match(await app.text("#ye-panel-piattaforma"), /Anagrafica/);
    assert.match(await app.text("#ye-panel-piattaforma"), /Considerazioni generali/);
    await app.assertAxe("piattaforma ANAC");
    if (SHOTS) await app.screenshot(join(SHOTS, "piao-piattaforma.png"));
  } finally {
    await app.quit();
  }
});
