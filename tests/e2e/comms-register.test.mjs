// The register of communications through the real window, keyboard only: a
// secretary narrows it by kind and by period (the app's date fields), sees an
// empty period say so, then exports what is shown as PDF (read back by
// pdftotext) and as Excel, through the save dialog; axe-clean throughout.
// Then files dropped on the screen go to the receipts' import.
import { test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { existsSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { withApp, KEY, waitFor, answerSaveDialog } from "./wd.mjs";

const SHOTS = process.env.E2E_SHOTS;

/** A communication's date is the instant it was written (the machine's
 * clock), shown as its day in Rome. */
const romeDay = (offset) => {
  const d = new Date(Date.now() + offset * 86400000);
  const [y, m, day] = d.toLocaleDateString("sv", { timeZone: "Europe/Rome" }).split("-");
  return `${day}/${m}/${y}`;
};

const input = (kind, subject) => ({
  kind,
  subject,
  body: "Al {{ rpct }} del Comune di {{ comune.nome }}.",
  signatory: "Il Segretario Generale",
  protocol_number: "",
  protocol_date: "",
  generated_doc: "",
  event_id: null,
  updated_at: null,
});

/** Presses Tab until the focused element is `#id` (at most 30 times). */
async function tabTo(app, id) {
  for (let i = 0; i < 30; i++) {
    if ((await app.exec("return document.activeElement?.id ?? ''")) === id) return;
    await app.keys(KEY.TAB);
  }
  throw new Error(`Tab never reached #${id} (at ${await app.focused()})`);
}

/** Presses Tab until the focused element has the data-testid `testid`. */
async function tabToTestid(app, testid) {
  for (let i = 0; i < 30; i++) {
    if ((await app.exec("return document.activeElement?.dataset?.testid ?? ''")) === testid) return;
    await app.keys(KEY.TAB);
  }
  throw new Error(`Tab never reached [data-testid=${testid}] (at ${await app.focused()})`);
}

/** Types `text` into the focused field, key by key. */
const typeKeys = (app, text) => app.keys(...text.split(""));

test("the register of communications filtered by kind and period and exported, keyboard only", () =>
  withApp(async (app) => {
    // Three communications written earlier.
    for (const [kind, subject] of [
      ["circolare", "Circolare n. 3/2027 – obblighi di pubblicazione"],
      ["convocazione", "Convocazione del tavolo tematico sui contratti pubblici"],
      ["convocazione", "Convocazione della giornata formativa sul whistleblowing"],
    ]) {
      await app.exec("return window.__TAURI_INTERNALS__.invoke('comms_create', { input: arguments[0] })", input(kind, subject));
    }
    await app.nav("comunicazioni");
    await waitFor(async () => /obblighi di pubblicazione/.test(await app.text("[data-testid=comms-table]")), "the register listed");
    const listed = () => app.exec("return [...document.querySelectorAll('[data-testid=comms-table] tbody tr')].map((r) => r.textContent)");
    assert.equal((await listed()).length, 3);
    await app.assertAxe("Comunicazioni › registro");

    // Keyboard only, from the search box: the kind.
    await app.exec("document.querySelector('#comms-text').focus()");
    await tabTo(app, "comms-kind");
    await typeKeys(app, "Conv");
    await waitFor(async () => (await app.value("#comms-kind")) === "convocazione", "the kind chosen by typing its name");
    await waitFor(async () => (await listed()).length === 2, "two convocations");
    assert.ok((await listed()).every((r) => /Convocazione/.test(r)));

    // The period: from today to today (the day they were written), typed.
    await tabTo(app, "comms-from");
    await typeKeys(app, romeDay(0));
    await tabTo(app, "comms-to");
    await typeKeys(app, romeDay(-1));
    await app.keys(KEY.TAB);
    // An end before the start: said at the field by the core.
    await waitFor(async () => /la fine del periodo precede l'inizio/.test(await app.text("body")), "the period refused at «Al»");
    await app.assertAxe("Comunicazioni › periodo sbagliato");
    await app.exec("document.querySelector('#comms-to').focus()");
    await app.chord(["\uE009"], "a");
    await typeKeys(app, romeDay(0));
    await app.keys(KEY.TAB);
    await waitFor(async () => !/la fine del periodo precede/.test(await app.text("body")), "the period accepted");
    await waitFor(async () => (await listed()).length === 2, "both convocations in the period");
    // A period that ends yesterday shows nothing, and says so.
    await app.exec("document.querySelector('#comms-from').focus()");
    await app.chord(["\uE009"], "a");
    await typeKeys(app, romeDay(-30));
    await tabTo(app, "comms-to");
    await app.chord(["\uE009"], "a");
    await typeKeys(app, romeDay(-1));
    await app.keys(KEY.TAB);
    await waitFor(async () => /Nessuna comunicazione con questi criteri/.test(await app.text("[data-testid=comms-table-empty]")), "nothing before today");
    await app.exec("document.querySelector('#comms-to').focus()");
    await app.chord(["\uE009"], "a");
    await typeKeys(app, romeDay(0));
    await app.keys(KEY.TAB);
    await waitFor(async () => (await listed()).length === 2, "the two convocations again");
    if (SHOTS) await app.screenshot(join(SHOTS, "comunicazioni-registro.png"));

    // «Esporta ▾» › «Registro in PDF», through the save dialog.
    await tabToTestid(app, "comms-export");
    await app.keys(KEY.ENTER);
    await waitFor(async () => (await app.exec("return document.activeElement?.dataset?.testid ?? ''")) === "comms-export-pdf", "the menu open on its first item");
    await app.assertAxe("Comunicazioni › Esporta");
    await app.keys(KEY.ENTER);
    const pdf = join(app.dir, "registro.pdf");
    answerSaveDialog("Salva il registro delle comunicazioni", pdf);
    await waitFor(() => existsSync(pdf), "the PDF saved", 20000);
    const text = execFileSync("pdftotext", ["-enc", "UTF-8", pdf, "-"]).toString();
    assert.match(text, /Registro delle comunicazioni/);
    assert.match(text, /tipo «Convocazione»/);
    assert.match(text, /2 comunicazioni/);
    assert.match(text, /tavolo tematico sui contratti pubblici/);
    assert.match(text, /giornata formativa sul whistleblowing/);
    assert.doesNotMatch(text, /obblighi di pubblicazione/);
    await app.dismissToasts();

    // The same as Excel: the menu's third item.
    await app.exec("document.querySelector('[data-testid=comms-export]').focus()");
    await app.keys(KEY.ENTER);
    await waitFor(async () => (await app.exec("return document.activeElement?.dataset?.testid ?? ''")) === "comms-export-pdf", "the menu open");
    await app.keys(KEY.DOWN, KEY.DOWN);
    assert.equal(await app.exec("return document.activeElement?.dataset?.testid ?? ''"), "comms-export-xlsx");
    await app.keys(KEY.ENTER);
    const xlsx = join(app.dir, "registro.xlsx");
    answerSaveDialog("Esporta il registro delle comunicazioni in Excel", xlsx);
    await waitFor(() => existsSync(xlsx), "the Excel file saved", 20000);
    const sheet = execFileSync("/usr/bin/python3", ["-c", "import sys, zipfile; z = zipfile.ZipFile(sys.argv[1]); print(z.read('xl/sharedStrings.xml').decode())", xlsx]).toString();
    assert.match(sheet, /Esito secondo le ricevute/);
    assert.match(sheet, /whistleblowing/);
    assert.doesNotMatch(sheet, /obblighi di pubblicazione/);
    await app.assertAxe("Comunicazioni › registro esportato");

    // Files dropped on the window (the webview's drag-drop event, as the
    // shell emits it): the .eml is read as a receipt (this one is not a PEC
    // receipt, and says so), the other file is not read.
    const eml = join(app.dir, "messaggio-qualsiasi.eml");
    writeFileSync(eml, "From: a@b.it\r\nTo: c@d.it\r\nSubject: Saluti\r\n\r\nCiao\r\n");
    const other = join(app.dir, "appunti.txt");
    writeFileSync(other, "appunti");
    await app.exec(
      "return window.__TAURI_INTERNALS__.invoke('plugin:event|emit', { event: 'tauri://drag-drop', payload: { paths: arguments[0], position: { x: 400, y: 300 } } })",
      [eml, other],
    );
    await app.el("[data-testid=receipts-table]", 15000);
    const dropped = await app.text("[data-testid=receipts-table]");
    assert.match(dropped, /messaggio-qualsiasi\.eml[\s\S]*non è una ricevuta/);
    assert.doesNotMatch(dropped, /appunti/);
    await app.assertAxe("Comunicazioni › ricevute trascinate");
    await app.keys(KEY.ESCAPE);
    await waitFor(() => app.exec("return !document.querySelector('[data-testid=receipts]')?.open"), "the receipts' dialog closed");

    // A new convocation offers the event and its calendar file.
    // The closed dialog gives the focus back to where it was: then on to the button.
    // Enter on the button; once more if the form has not opened (on CI the
    // first key after the dialog closed was, rarely, not taken).
    for (let attempt = 1; ; attempt++) {
      await waitFor(
        () => app.exec("document.querySelector('[data-testid=comms-new]').focus(); return document.activeElement?.dataset?.testid === 'comms-new'"),
        "focus on «Nuova comunicazione»",
      );
      await app.keys(KEY.ENTER);
      try {
        await waitFor(() => app.exec("return document.querySelector('#compose-event') !== null"), "the new communication's form", 3000);
        break;
      } catch (e) {
        if (attempt >= 3) throw e;
      }
    }
    assert.match(await app.text("#compose-generated"), /Il file del calendario \(ICS\) dell'evento/);
    await app.assertAxe("Comunicazioni › nuova comunicazione");
    if (SHOTS) await app.screenshot(join(SHOTS, "comunicazioni-nuova.png"));
  }));
