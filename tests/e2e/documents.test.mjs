// Documents through the real app: a draft act for one comune through the
// save dialog, linked to "bozza inviata"; a template edit with a mistake;
// a batch for a zone into a folder chosen in the dialog.
import { test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { App, answerFolderDialog, answerSaveDialogInFolder, openComune, waitFor } from "./wd.mjs";

const SHOTS = process.env.E2E_SHOTS;
const pdfText = (path) => execFileSync("pdftotext", [path, "-"]).toString();

test("a draft act for one comune through the save dialog, then linked to «bozza inviata»", async () => {
  const app = await App.start();
  const dir = mkdtempSync(join(tmpdir(), "cdp-doc-"));
  try {
    await openComune(app, "sant agata", "Sant'Agata di Militello");
    await app.click("[data-step=invite]");
    await app.fill("#st-date", "2026-01-12");
    await app.fill("#st-protocol_number", "4321/2026");
    await app.click("[data-testid=step-form] button[type=submit]");
    await waitFor(async () => (await app.text("[data-testid=adhesion-state]")) === "Invitato", "Invitato");

    await app.select("#doc-kind", "delibera_giunta");
    await app.select("#doc-format", "pdf");
    await app.fill("#doc-date", "15/01/2026");
    await app.dismissToasts();
    await app.click("[data-testid=doc-generate]");
    answerSaveDialogInFolder("Salva Proposta di deliberazione", dir);
    const file = join(dir, "Bozza_delibera_adesione_Sant_Agata_di_Militello.pdf");
    await waitFor(async () => (await app.text("[data-testid=documents-panel]")).includes("Bozza_delibera_adesione_Sant_Agata_di_Militello.pdf"), "the document in the panel");
    assert.ok(existsSync(file), "the proposed file name was kept");
    const text = pdfText(file).replace(/\s+/g, " ");
    assert.match(text, /COMUNE DI SANT’AGATA DI MILITELLO/);
    assert.match(text, /con la nota prot\. n\. 4321\/2026 del 12\/01\/2026 la Città/);
    assert.match(text, /Ritenuta la competenza della Giunta Municipale/);
    assert.match(text, /Sant’Agata di Militello, lì 15 gennaio 2026/, "the date chosen when generating");
    await app.assertAxe("documenti del comune");
    if (SHOTS) await app.screenshot(join(SHOTS, "comune-documenti.png"));

    // "Bozza inviata" proposes the document just generated; the Sindaco's
    // decree is generated from the step's form instead, and linked.
    await app.click("[data-step=send_draft]");
    await waitFor(async () => (await app.exec("return document.querySelector('#st-document').value")).endsWith("Bozza_delibera_adesione_Sant_Agata_di_Militello.pdf"), "the draft proposed");
    await app.select("#st-draft", "sindaco");
    await app.click("[data-testid=step-generate-draft]");
    answerSaveDialogInFolder("Salva Decreto sindacale", dir);
    await waitFor(async () => (await app.exec("return document.querySelector('#st-document').value")).endsWith("Bozza_decreto_sindacale_adesione_Sant_Agata_di_Militello.pdf"), "the decree linked");
    const decree = pdfText(join(dir, "Bozza_decreto_sindacale_adesione_Sant_Agata_di_Militello.pdf")).replace(/\s+/g, " ");
    assert.match(decree, /DECRETA/);
    assert.match(decree, /art\. 13 della L\.R\. 26 agosto 1992, n\. 7,/);
    assert.match(decree, /art\. 41 della L\.R\. 1° settembre 1993, n\. 26/);
    assert.match(decree, /Sant’Agata di Militello, lì …/, "no date chosen: left blank");
    await app.assertAxe("bozza inviata collegata");
    if (SHOTS) await app.screenshot(join(SHOTS, "bozza-inviata.png"));
    await app.click("[data-testid=step-form] button[type=submit]");
    await waitFor(async () => (await app.text("[data-testid=adhesion-state]")) === "Bozza inviata", "Bozza inviata");
    assert.match(await app.text("[data-testid=timeline]"), /Bozza di decreto o determinazione del Sindaco; documento: Bozza_decreto_sindacale_adesione_Sant_Agata_di_Militello\.pdf/);
    await waitFor(async () => (await app.exec("return document.querySelectorAll('[data-testid=doc-table] tbody tr').length")) === 2, "both documents listed");
  } finally {
    await app.quit();
  }
});

test("a template edit with an unknown placeholder is refused, then saved and restored", async () => {
  const app = await App.start();
  try {
    await app.nav("documenti");
    await app.click("button[data-kind=lettera]");
    await waitFor(async () => (await app.text("[data-testid=tpl-status]")).includes("Modello corretto"), "the template checked");
    assert.match(await app.text("[data-testid=tpl-version]"), /versione 1 · predefinito/);
    const body = await app.exec("return document.querySelector('#tpl-body').value");
    await app.exec(
      "const t = document.querySelector('#tpl-body'); t.value = arguments[0]; t.dispatchEvent(new Event('input', { bubbles: true }));",
      `${body}\nCordialmente, {{ comune.nom }}\n`,
    );
    await waitFor(async () => /segnaposto sconosciuto «comune\.nom»/.test(await app.text("[data-testid=tpl-status]")), "the unknown placeholder named");
    assert.match(await app.text("[data-testid=tpl-status]"), /^Riga \d+/);
    await app.click("[data-testid=tpl-save]");
    await waitFor(async () => /comune\.nom/.test(await app.text("[data-testid=tpl-status]")), "still refused");
    assert.match(await app.text("[data-testid=tpl-version]"), /versione 1/);
    await app.assertAxe("modello con errore");
    if (SHOTS) await app.screenshot(join(SHOTS, "modello-errore.png"));

    await app.exec(
      "const t = document.querySelector('#tpl-body'); t.value = arguments[0]; t.dispatchEvent(new Event('input', { bubbles: true }));",
      `${body}\nCordialmente, il Comune di {{ comune.nome }}\n`,
    );
    await waitFor(async () => (await app.text("[data-testid=tpl-status]")).includes("Modello corretto"), "the fix accepted");
    await waitFor(async () => (await app.text("[data-testid=doc-preview]")).includes("Cordialmente, il Comune di Sant’Agata di Militello"), "the preview filled");
    await app.click("[data-testid=tpl-save]");
    await waitFor(async () => (await app.text("[data-testid=tpl-version]")) === "versione 2", "version 2");
    await app.assertAxe("modelli");
    if (SHOTS) await app.screenshot(join(SHOTS, "modelli.png"));
    await app.click("[data-testid=tpl-restore-default]");
    await waitFor(async () => /^versione 3 · predefinito 2026\.4$/.test(await app.text("[data-testid=tpl-version]")), "default restored as version 3");
    assert.equal(await app.exec("return document.querySelectorAll('[data-testid=tpl-versions] tbody tr').length"), 3);
  } finally {
    await app.quit();
  }
});

test("a batch of letters for the Eolie zone into a chosen folder", async () => {
  const app = await App.start();
  const dir = mkdtempSync(join(tmpdir(), "cdp-batch-"));
  try {
    await app.clickText("Accetta la proposta");
    await waitFor(async () => !(await app.exec("return !!document.querySelector('[data-testid=zone-proposal]')")), "zones accepted");
    await app.nav("adesioni");
    await app.select("#adh-zone", "Isole Eolie", { byText: true });
    await waitFor(async () => (await app.text("[data-testid=adh-count]")) === "4 comuni", "4 comuni of the Eolie");
    await app.clickText("Seleziona tutti");
    await app.click("[data-testid=batch-open]");
    await app.select("#batch-kind", "lettera");
    await app.select("#batch-format", "pdf");
    await app.click("[data-testid=batch-run]");
    answerFolderDialog("Cartella per", dir);
    await waitFor(async () => /4 file scritti/.test(await app.text("[data-testid=batch-dialog]")), "the summary");
    await app.assertAxe("documenti in lotto");
    if (SHOTS) await app.screenshot(join(SHOTS, "documenti-lotto.png"));
    const files = readdirSync(dir).sort();
    assert.deepEqual(files, [
      "Lettera_trasmissione_Leni.pdf",
      "Lettera_trasmissione_Lipari.pdf",
      "Lettera_trasmissione_Malfa.pdf",
      "Lettera_trasmissione_Santa_Marina_Salina.pdf",
    ]);
    for (const f of files) {
      const name = f.replace("Lettera_trasmissione_", "").replace(".pdf", "").replaceAll("_", " ");
      assert.match(pdfText(join(dir, f)), new RegExp(`Al Sindaco del Comune di ${name}`));
    }
    // The register lists them.
    await app.clickText("Chiudi");
    await app.nav("documenti");
    await app.click("#tab-registro");
    await waitFor(async () => (await app.exec("return document.querySelectorAll('[data-testid=doc-register] tbody tr').length")) === 4, "4 rows in the register");
    assert.deepEqual(await app.brokenWords("[data-testid=doc-register]"), [], "no word broken in the register");
  } finally {
    await app.quit();
  }
});

test("the organ chosen in a comune's card decides its act in a batch of adhesion acts", async () => {
  const app = await App.start();
  const dir = mkdtempSync(join(tmpdir(), "cdp-atti-"));
  try {
    await app.clickText("Accetta la proposta");
    await waitFor(async () => !(await app.exec("return !!document.querySelector('[data-testid=zone-proposal]')")), "zones accepted");
    // Malfa adopts by decree of the Sindaco.
    await openComune(app, "malfa", "Malfa");
    await app.select("#c-adopting_organ", "sindaco");
    await app.fill("#c-proposing_office", "Area Affari Generali");
    await app.clickText("Salva modifiche");
    await waitFor(async () => await app.exec("return document.querySelector('[data-testid=comune-form] button[type=submit]').disabled"), "saved");
    if (SHOTS) await app.screenshot(join(SHOTS, "comune-atto-adesione.png"));
    await app.nav("adesioni");
    await app.select("#adh-zone", "Isole Eolie", { byText: true });
    await waitFor(async () => (await app.text("[data-testid=adh-count]")) === "4 comuni", "4 comuni of the Eolie");
    await app.clickText("Seleziona tutti");
    await app.click("[data-testid=batch-open]");
    await app.select("#batch-kind", "atto_adesione");
    await app.select("#batch-format", "pdf");
    await app.fill("#batch-date", "2/3/2026");
    await app.click("[data-testid=batch-run]");
    answerFolderDialog("Cartella per", dir);
    await waitFor(async () => /4 file scritti/.test(await app.text("[data-testid=batch-dialog]")), "the summary");
    assert.deepEqual(readdirSync(dir).sort(), [
      "Bozza_decreto_sindacale_adesione_Malfa.pdf",
      "Bozza_delibera_adesione_Leni.pdf",
      "Bozza_delibera_adesione_Lipari.pdf",
      "Bozza_delibera_adesione_Santa_Marina_Salina.pdf",
    ]);
    const decree = pdfText(join(dir, "Bozza_decreto_sindacale_adesione_Malfa.pdf")).replace(/\s+/g, " ");
    assert.match(decree, /DECRETO SINDACALE/);
    assert.match(decree, /Malfa, lì 2 marzo 2026/);
    const act = pdfText(join(dir, "Bozza_delibera_adesione_Lipari.pdf")).replace(/\s+/g, " ");
    assert.match(act, /PROPOSTA DI DELIBERAZIONE DELLA GIUNTA MUNICIPALE/);
    assert.match(act, /Ufficio proponente Area Amministrativa/);
  } finally {
    await app.quit();
  }
});
