// Import of referents from a secretariat's CSV through the native open
// dialog: a bad line is named (line, column, reason) and nothing is
// written; the file is fixed, read again and imported; the referents are on
// the comune's page.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync, writeFileSync } from "node:fs";
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

/** ISTAT's list as ISTAT publishes it: Latin-1, `;`, a quoted header with line breaks. */
function istatCsv(rows) {
  const header = [
    "Codice Regione", "Codice dell'Unità territoriale sovracomunale \n(valida a fini statistici)", "Codice Provincia (Storico)(1)",
    "Progressivo del Comune (2)", "Codice Comune formato alfanumerico", "Denominazione (Italiana e straniera)",
    "Denominazione in italiano", "Denominazione altra lingua", "Codice Ripartizione Geografica", "Ripartizione geografica",
    "Denominazione Regione", "Denominazione dell'Unità territoriale sovracomunale \n(valida a fini statistici)",
    "Tipologia di Unità territoriale sovracomunale ", "Flag Comune capoluogo di provincia/città metropolitana/libero consorzio",
    "Sigla automobilistica", "Codice Comune formato numerico", "Codice Comune numerico con 110 province (dal 2010 al 2016)",
    "Codice Comune numerico con 107 province (dal 2006 al 2009)", "Codice Comune numerico con 103 province (dal 1995 al 2005)",
    "Codice Catastale del comune", "Codice NUTS1 2021", "Codice NUTS2 2021 (3) ", "Codice NUTS3 2021",
  ];
  const q = (v) => `"${v}"`;
  const lines = [header.map(q).join(";")];
  for (const [istat, name, cad, sigla] of rows) {
    const n = String(Number(istat));
    lines.push(["19", "283", istat.slice(0, 3), istat.slice(3), istat, name, name, "", "5", "Isole", "Sicilia", "Messina", "4", "0", sigla, n, n, n, n, cad, "ITG", "ITG1", "ITG13"].map(q).join(";"));
  }
  return Buffer.from(lines.join("\r\n") + "\r\n", "latin1");
}

test("Impostazioni › Importa l'elenco ISTAT…: the dry run for Messina, the update, the suppressed comune marked", () =>
  withApp(async (app) => {
    // The 108 comuni as seeded, with Alì renamed, Antillo gone and a comune of Palermo.
    const seed = readFileSync(new URL("../../core/data/comuni-messina.csv", import.meta.url), "utf8")
      .trim().split("\n").slice(1).map((l) => l.split(","));
    const rows = seed
      .filter((r) => r[0] !== "083004")
      .map((r) => [r[0], r[0] === "083002" ? "Alì Marina" : r[1], r[2], "ME"]);
    rows.push(["082053", "Palermo", "G273", "PA"]);
    const file = join(app.dir, "Elenco-comuni-italiani.csv");
    writeFileSync(file, istatCsv(rows));
    await app.nav("impostazioni");
    await app.click("[data-testid=import-istat]");
    answerFolderDialog("Importa l'elenco dei comuni dell'ISTAT", file);
    await app.el("[data-testid=import-summary]", 15000);
    assert.match(await app.text("[data-testid=import-file]"), /Windows-1252/);
    const summary = await app.text("[data-testid=import-summary]");
    assert.match(summary, /0 nuovi, 1 rinominati, 0 con nuovo codice catastale, 1 non più nell'elenco/);
    assert.match(summary, /106 invariati/);
    if (SHOTS) await app.screenshot(join(SHOTS, "importazione-istat.png"));
    await app.click("[data-testid=import-apply]");
    await waitFor(async () => /Anagrafe aggiornata: 0 nuovi, 1 rinominati/.test(await app.text("[data-testid=import-done]")), "the update done");
    await app.exec("document.querySelector('[data-testid=import-dialog]').close()");
    await waitFor(() => app.exec("return document.querySelectorAll('[data-testid=import-row]').length === 1"), "the import listed");

    await openComune(app, "083004", "Antillo");
    assert.match(await app.text("[data-testid=suppressed]"), /non più nell'elenco ISTAT dal \d\d\/\d\d\/\d{4}/);
    await app.click("button.back");
    await app.clear("#search");
    await app.type("#search", " ");
    await waitFor(() => app.exec("return document.querySelectorAll('[data-testid=comuni-table] tbody tr').length > 1"), "the whole list");
    assert.match(await app.exec("return document.querySelector('[data-istat=\"083004\"]').innerText"), /Antillo \(soppresso dal \d\d\/\d\d\/\d{4}\)/);
    await openComune(app, "083002", "Alì Marina");
  }));
