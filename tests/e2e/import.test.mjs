// Import of referents from a secretariat's CSV through the native open
// dialog: a bad line is named (line, column, reason) and nothing is
// written; the file is fixed, read again and imported; the referents are on
// the comune's page.
import { test } from "node:test";
import assert from "node:assert/strict";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { withApp, waitFor, openComune, answerFolderDialog } from "./wd.mjs";

const SHOTS = process.env.E2E_SHOTS;

const csv = (pec) =>
  "\uFEFFCodice ISTAT;Comune;Ruolo;Nome e cognome;E-mail;PEC;In carica dal\r\n" +
  "083002;Alì;RPCT;Maria Teresa Cucinotta;mt.cucinotta@comune.ali.me.it;protocollo@pec.comune.ali.me.it;15/03/2024\r\n" +
  `083003;Alì Terme;RPCT;Carmelo Sturiale;;${pec};01/02/2025\r\n` +
  "083004;Antillo;Sindaco;Davide Paratore;;;27/06/2022\r\n";

test("Comuni › Importa…: a bad line is named, the fixed file imports, the referents are on the comune's page", () =>
  withApp(async (app) => {
    const file = join(app.dir, "referenti 2025.csv");
    writeFileSync(file, csv("protocollo@@pec.comune.aliterme"));
    await app.nav("comuni");
    await app.click("[data-testid=import-referents]");
    answerFolderDialog("Importa referenti e contatti", file);
    await app.el("[data-testid=import-summary]", 15000);
    assert.match(await app.text("[data-testid=import-file]"), /referenti 2025\.csv/);
    await waitFor(async () => /1 con errori/.test(await app.text("[data-testid=import-summary]")), "one line in error");
    await app.click("[data-testid=filter-errors]");
    await waitFor(() => app.exec("return document.querySelectorAll('[data-testid=import-preview] tbody tr').length === 1"), "only the error shown");
    const row = await app.text("[data-testid=import-preview] tbody tr");
    assert.match(row, /^3\s*Alì Terme/, row);
    assert.match(row, /Alì Terme/);
    assert.match(row, /Colonna «PEC»: PEC: «protocollo@@pec\.comune\.aliterme» non è un indirizzo valido/);
    assert.equal(await app.exec("return document.querySelector('[data-testid=import-apply]').disabled"), true, "nothing to import while errors remain");
    if (SHOTS) await app.screenshot(join(SHOTS, "importazione-errore.png"));

    // The secretary fixes the file and reads it again.
    writeFileSync(file, csv("protocollo@pec.comune.aliterme.me.it"));
    await app.click("[data-testid=import-reload]");
    await waitFor(async () => /3 nuove.*0 con errori/s.test(await app.text("[data-testid=import-summary]")), "the fixed file: 3 new, no error");
    if (SHOTS) await app.screenshot(join(SHOTS, "importazione-anteprima.png"));
    await app.click("[data-testid=import-apply]");
    await waitFor(async () => /Importazione completata: 3 nuove/.test(await app.text("[data-testid=import-done]")), "the import done");
    await app.exec("document.querySelector('[data-testid=import-dialog]').close()");

    await openComune(app, "083003", "Alì Terme");
    const page = await app.exec("return document.body.innerText");
    assert.match(page, /Carmelo Sturiale/);
    assert.equal(await app.value("#c-pec"), "protocollo@pec.comune.aliterme.me.it");
    // Back to the whole list first: the previous search also had one row.
    await app.click("button.back");
    await app.clear("#search");
    await app.type("#search", " ");
    await waitFor(() => app.exec("return document.querySelectorAll('[data-testid=comuni-table] tbody tr').length > 1"), "the whole list");
    await openComune(app, "083002", "Alì");
    assert.match(await app.exec("return document.body.innerText"), /Maria Teresa Cucinotta/);
  }));
