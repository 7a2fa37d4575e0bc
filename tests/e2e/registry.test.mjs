// The registry through the real app: each test starts it on a fresh archive.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync, writeFileSync, existsSync } from "node:fs";
import { join } from "node:path";
import { tmpdir } from "node:os";
import { App, withApp, KEY, waitFor, answerSaveDialog } from "./wd.mjs";

const SHOTS = process.env.E2E_SHOTS; // folder for screenshots, if set

const rowsShown = (app) =>
  app.exec("return [...document.querySelectorAll('[data-testid=comuni-table] tbody tr')].map(r => r.cells[0].textContent.trim())");

async function openComune(app, query, name) {
  await app.nav("comuni");
  await app.clear("#search");
  await app.type("#search", query);
  await waitFor(async () => (await rowsShown(app)).includes(name), `${name} in the list`);
  await app.exec("[...document.querySelectorAll('[data-testid=comuni-table] tbody tr')].find(r => r.cells[0].textContent.trim() === arguments[0]).click()", name);
  await waitFor(async () => (await app.text("h1")) === name, `the page of ${name}`);
}

test("first run shows the 108 comuni and the proposed zones", () =>
  withApp(async (app) => {
    await waitFor(async () => (await app.text("[data-testid=count-comuni]")) === "108", "108 on the dashboard");
    assert.match(await app.text("[data-testid=zone-proposal]"), /Proposta di zone omogenee/);
    const zones = await app.exec("return [...document.querySelectorAll('[data-testid=zone-table] tbody tr')].map(r => r.dataset.zone)");
    assert.deepEqual(zones.filter(Boolean).sort(), [
      "Area ionica e Valle dell'Alcantara",
      "Area tirrenica dei Nebrodi",
      "Area tirrenica-peloritana",
      "Città di Messina",
      "Isole Eolie",
    ]);
    await app.assertAxe("cruscotto");
    if (SHOTS) await app.screenshot(join(SHOTS, "cruscotto.png"));
    await app.nav("comuni");
    await waitFor(async () => (await app.text("[data-testid=result-count]")) === "108 comuni", "108 comuni in the list");
    assert.equal((await rowsShown(app)).length, 108);
    await app.assertAxe("elenco dei comuni");
    if (SHOTS) await app.screenshot(join(SHOTS, "comuni.png"));
    // Accepting the proposal removes the banner.
    await app.nav("cruscotto");
    await app.clickText("Accetta la proposta");
    await waitFor(async () => !(await app.exec("return !!document.querySelector('[data-testid=zone-proposal]')")), "the banner to go");
  }));

test("search 'sant agata' finds Sant'Agata di Militello, and the keyboard opens it", () =>
  withApp(async (app) => {
    await app.nav("comuni");
    await app.type("#search", "sant agata");
    await waitFor(async () => JSON.stringify(await rowsShown(app)) === JSON.stringify(["Sant'Agata di Militello"]), "one result");
    await app.type("#search", KEY.ENTER);
    await waitFor(async () => (await app.text("h1")) === "Sant'Agata di Militello", "the comune's page");
    // A search that finds nothing says so.
    await app.clickText("← Indietro");
    await app.clear("#search");
    await app.type("#search", "xyzzy");
    await waitFor(async () => (await app.text("[data-testid=result-count]")) === "Nessun comune", "no results");
    assert.match(await app.text(".empty"), /Nessun comune corrisponde/);
    // Accents: "ali" finds Alì and Alì Terme; arrow keys move through the rows.
    await app.clear("#search");
    await app.type("#search", "ali");
    await waitFor(async () => (await rowsShown(app)).includes("Alì Terme"), "Alì Terme");
    await app.type("#search", KEY.DOWN);
    const focused = await app.exec("return document.activeElement.dataset.istat");
    assert.equal(focused, (await app.exec("return document.querySelector('[data-testid=comuni-table] tbody tr').dataset.istat")));
    await app.keys(KEY.DOWN, KEY.ENTER);
    await waitFor(async () => (await rowsShown(app).catch(() => [])).length === 0, "left the list");
    assert.ok((await app.text("h1")).length > 0);
  }));

test("an invalid PEC shows the error next to the field and saves nothing", () =>
  withApp(async (app) => {
    await openComune(app, "alcara", "Alcara li Fusi");
    await app.type("#c-pec", "protocollo@pec");
    await app.clickText("Salva modifiche");
    const err = await app.text("[data-error-for=c-pec]");
    assert.match(err, /PEC/);
    assert.equal(await app.exec("return document.querySelector('#c-pec').getAttribute('aria-invalid')"), "true");
    assert.equal(await app.exec("return document.activeElement.id"), "c-pec");
    await app.assertAxe("errore PEC");
    if (SHOTS) await app.screenshot(join(SHOTS, "comune-errore-pec.png"));
    // Nothing was saved: leave without saving and come back.
    await app.exec("window.confirm = () => true");
    await app.clickText("← Indietro");
    await openComune(app, "alcara", "Alcara li Fusi");
    assert.equal(await app.value("#c-pec"), "");
  }));

test("a valid edit survives a restart of the app", async () => {
  const first = await App.start();
  const db = first.dbPath;
  try {
    await openComune(first, "capo d orlando", "Capo d'Orlando");
    await first.type("#c-pec", "protocollo@pec.comune.capodorlando.me.it");
    await first.type("#c-mayor_name", "Felice Rosario Sindoni");
    await first.clickText("Salva modifiche");
    await waitFor(async () => (await first.exec("return document.querySelector('.toast-success')?.textContent ?? ''")).includes("salvati"), "the saved message");
  } finally {
    await first.quit({ keepDir: true });
  }
  const second = await App.start(db);
  try {
    await openComune(second, "capo d orlando", "Capo d'Orlando");
    assert.equal(await second.value("#c-pec"), "protocollo@pec.comune.capodorlando.me.it");
    assert.equal(await second.value("#c-mayor_name"), "Felice Rosario Sindoni");
  } finally {
    await second.quit();
  }
});

test("recording and replacing the RPCT keeps the history", () =>
  withApp(async (app) => {
    await openComune(app, "lipari", "Lipari");
    await app.clickText("Aggiungi referente");
    await app.typeWhole("#ref-full_name", "Maria Rossi");
    await app.type("#ref-email", "maria.rossi@");
    await app.clickText("Aggiungi referente", "button[type=submit]");
    assert.match(await app.text("#ref-email-error"), /E-mail/);
    await app.clear("#ref-email");
    await app.type("#ref-email", "m.rossi@comunelipari.it");
    await app.exec("const i = document.querySelector('#ref-valid_from'); i.value = '2021-05-01'; i.dispatchEvent(new Event('input', {bubbles: true}))");
    await app.clickText("Aggiungi referente", "button[type=submit]");
    await waitFor(async () => (await app.text("[data-testid=referents-active]")).includes("Maria Rossi"), "Maria Rossi in office");
    // After the elections a new RPCT: the old one goes to the history.
    await app.clickText("Aggiungi referente");
    await app.select("#ref-role", "rpct");
    await app.typeWhole("#ref-full_name", "Giuseppe Bianchi");
    await app.exec("const i = document.querySelector('#ref-valid_from'); i.value = '2024-07-01'; i.dispatchEvent(new Event('input', {bubbles: true}))");
    await app.clickText("Aggiungi referente", "button[type=submit]");
    await waitFor(async () => (await app.text("[data-testid=referents-history]")).includes("Maria Rossi"), "history");
    assert.match(await app.text("[data-testid=referents-history]"), /01\/05\/2021 – 30\/06\/2024/);
    assert.match(await app.text("[data-testid=referents-active]"), /Giuseppe Bianchi/);
    await app.assertAxe("referenti");
    if (SHOTS) await app.screenshot(join(SHOTS, "comune-referenti.png"));
    // Search finds the comune by its referent's name.
    await app.exec("window.confirm = () => true");
    await app.clickText("← Indietro");
    await app.clear("#search");
    await app.type("#search", "bianchi");
    await waitFor(async () => JSON.stringify(await rowsShown(app)) === JSON.stringify(["Lipari"]), "Lipari by referent");
  }));

test("moving a comune to another zone changes the counts and the map colour", () =>
  withApp(async (app) => {
    await app.nav("zone");
    const count = (zone) =>
      app.exec("return document.querySelector(`[data-testid=zones-table] tr[data-zone=\"${arguments[0]}\"] [data-col=comuni]`)?.textContent", zone);
    await waitFor(async () => (await count("Isole Eolie")) === "4", "the Eolie count");
    const fill = () => app.exec("return document.querySelector('path[data-istat=\"083041\"]').getAttribute('fill')");
    const before = await fill();
    await app.select("#assign-target", "Città di Messina", { byText: true });
    await app.type("#assign-filter", "lipari");
    await app.click("[data-testid=assign-list] input[data-istat='083041']");
    await app.click("[data-testid=assign-button]");
    await waitFor(async () => (await count("Isole Eolie")) === "3" && (await count("Città di Messina")) === "2", "the new counts");
    const messinaFill = await app.exec("return document.querySelector('path[data-istat=\"083048\"]').getAttribute('fill')");
    await waitFor(async () => (await fill()) === messinaFill, "Lipari in Messina's colour");
    assert.notEqual(before, messinaFill);
    // The dashboard agrees.
    await app.nav("cruscotto");
    await waitFor(async () => (await app.text("[data-testid=zone-table] tr[data-zone='Isole Eolie'] [data-col=comuni]")) === "3", "dashboard count");
    // Clicking on the map assigns too, and the toast can undo it.
    await app.nav("zone");
    await app.select("#assign-target", "Città di Messina", { byText: true });
    await app.exec("document.querySelectorAll('.toast .btn-close').forEach(b => b.click())");
    await app.exec("document.querySelector('path[data-istat=\"083037\"]').dispatchEvent(new MouseEvent('click', {bubbles: true}))");
    await waitFor(async () => (await count("Isole Eolie")) === "2", "Leni moved by a map click");
    await app.clickText("Annulla", ".toast button");
    await waitFor(async () => (await count("Isole Eolie")) === "3", "the move undone");
    await app.assertAxe("zone omogenee");
    if (SHOTS) await app.screenshot(join(SHOTS, "zone.png"));
  }));

test("deleting a zone asks what to do with its comuni", () =>
  withApp(async (app) => {
    await app.nav("zone");
    await app.el("[data-testid=zones-table] tr[data-zone='Isole Eolie']");
    await app.exec("[...document.querySelectorAll('[data-testid=zones-table] tr')].find(r => r.dataset.zone === 'Isole Eolie').querySelector('[role=menuitem].danger').click()");
    await app.el("dialog[open]");
    assert.match(await app.text("dialog"), /comprende 4 comuni/);
    await app.exec("document.querySelector('dialog input[value=release]').click()");
    await app.clickText("Elimina la zona", "dialog button");
    await waitFor(async () => !(await app.exec("return !!document.querySelector('[data-testid=zones-table] tr[data-zone=\"Isole Eolie\"]')")), "zone gone");
    await app.nav("comuni");
    await app.select("#filter-zone", "none");
    await waitFor(async () => (await rowsShown(app)).join(",") === "Leni,Lipari,Malfa,Santa Marina Salina", "released comuni");
  }));

test("CSV export writes the rows of the filtered list", () =>
  withApp(async (app) => {
    await app.nav("comuni");
    await app.select("#filter-pop", "oltre_50000");
    await app.type("#search", "a");
    await waitFor(async () => (await rowsShown(app)).length > 0 && (await rowsShown(app)).length < 108, "a filtered list");
    const shown = await rowsShown(app);
    const out = join(app.dir, "export comuni.csv");
    await app.clickText("Esporta CSV");
    answerSaveDialog("Esporta elenco comuni in CSV", out);
    await waitFor(() => existsSync(out), "the exported file", 15000);
    const text = readFileSync(out, "utf8");
    assert.ok(text.startsWith("\uFEFF"), "UTF-8 BOM");
    const lines = text.slice(1).split("\r\n").filter(Boolean);
    assert.equal(lines[0].split(";")[1], "Comune");
    assert.deepEqual(lines.slice(1).map((l) => l.split(";")[1]), shown);
    await waitFor(async () => (await app.exec("return document.querySelector('.toast-success')?.textContent ?? ''")).includes(`${shown.length} comuni esportati`), "the export message");
  }));

test("a corrupt archive gives a clear message and is not overwritten", async () => {
  const { mkdtempSync } = await import("node:fs");
  const dir = mkdtempSync(join(tmpdir(), "cdp-bad-"));
  const bad = join(dir, "rotto.sqlite3");
  const content = "Questo file non è un archivio: è un verbale di riunione.\n".repeat(20);
  writeFileSync(bad, content);
  const app = await App.start(bad);
  try {
    const msg = await app.text("[data-testid=fatal-error]");
    assert.match(msg, /non è un archivio della Comunità di Pratiche/);
    assert.match(msg, /non è stato modificato/);
    await app.assertAxe("archivio danneggiato");
    if (SHOTS) await app.screenshot(join(SHOTS, "archivio-danneggiato.png"));
  } finally {
    await app.quit();
  }
  assert.equal(readFileSync(bad, "utf8"), content);
});
