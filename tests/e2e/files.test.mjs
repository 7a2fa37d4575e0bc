// Files as the platforms export them, through the real app: a Microsoft
// Teams attendance report in the Italian locale (UTF-16, three sections,
// the activity section listing fewer people than the participants') chosen
// in the open dialog; the dry run names platform and locale, lists all five
// people, shows where the sections disagree; one person probably already
// registered under a longer name is confirmed by hand.
import { test } from "node:test";
import assert from "node:assert/strict";
import { copyFileSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { App, answerFolderDialog, waitFor } from "./wd.mjs";

const SHOTS = process.env.E2E_SHOTS;
const REPORT = new URL("../../core/tests/fixtures/reports/teams_it_parziale.csv", import.meta.url).pathname;

/** Clicks `css` after scrolling it to the middle of the window. */
async function clickCentred(app, css) {
  await app.el(css);
  await app.exec("document.querySelector(arguments[0]).scrollIntoView({ block: 'center' })", css);
  await app.click(css);
}

/** Adds a participant to the open attendance panel, not present. */
async function addByHand(app, name, email) {
  await app.select("#att-who", "new");
  await app.typeWhole("#att-new-name", name);
  if (email) await app.typeWhole("#att-new-email", email);
  await app.typeWhole("#att-minutes", "0");
  await clickCentred(app, "[data-testid=att-add]");
  await waitFor(async () => (await app.text("[data-testid=attendance-sheet]")).includes(name), `${name} on the sheet`);
}

test("a Teams report whose sections disagree: every person shown, one confirmed by hand", async () => {
  const app = await App.start();
  const dir = mkdtempSync(join(tmpdir(), "cdp-files-"));
  try {
    await app.nav("formazione");
    await app.el("[data-testid=month-grid]");
    await app.click("[data-testid=new-event]");
    await waitFor(async () => (await app.focused()).startsWith("select#ev-kind"), "the event form");
    await app.select("#ev-mode", "webinar");
    await app.typeWhole("#ev-title", "Il PIAO e la sottosezione 2.3");
    await app.fill("#ev-date", "9/3/2027");
    await app.typeWhole("#ev-start_time", "10:00");
    await app.typeWhole("#ev-end_time", "13:00");
    await app.typeWhole("#ev-link", "https://meet.esempio.it/cdp-piao");
    await app.click("[data-testid=event-save]");
    await waitFor(async () => !(await app.exec("return !!document.querySelector('[data-testid=event-form]')")), "the form closed");
    await clickCentred(app, "[data-testid=view-list]");
    await app.fill("#f-from", "01/03/2027");
    await app.fill("#f-to", "31/03/2027");
    await app.clickText("Aggiorna");
    await clickCentred(app, "[data-testid=event-list] [data-testid=event-item]:nth-child(1) [data-testid=event-attendance]");
    await waitFor(async () => (await app.focused()).startsWith("h2#att-title"), "the attendance panel");

    // Registered before: Anna Rossi with her e-mail, Lucia Maria Pagano without.
    await addByHand(app, "Anna Rossi", "anna.rossi@comune.ali.me.it");
    await addByHand(app, "Lucia Maria Pagano", null);
    await app.dismissToasts();

    const report = join(dir, "Rapporto presenze - Il PIAO.csv");
    copyFileSync(REPORT, report);
    await clickCentred(app, "[data-testid=att-import]");
    answerFolderDialog("Importa il rapporto delle presenze", report);
    await waitFor(async () => (await app.focused()).startsWith("h3#report-title"), "the dry run shown");
    assert.match(await app.text("#report-title"), /\(Microsoft Teams, italiano\)/);
    const read = await app.text("[data-testid=report-read]");
    assert.match(read, /UTF-16/);
    assert.match(read, /riunione del 09\/03\/2027 dalle 09:58/);
    assert.match(read, /«Partecipanti» \(5 persone\), «Attività durante la riunione» \(2 persone\)/);
    // All five people, the two sections' disagreement said per person.
    assert.equal(await app.exec("return document.querySelectorAll('[data-testid=report-preview] tbody tr').length"), 5);
    const differs = await app.exec("return [...document.querySelectorAll('[data-testid=report-disagreement]')].map(e => e.textContent.trim())");
    assert.equal(differs.length, 4, JSON.stringify(differs));
    assert.ok(differs.includes("«Attività durante la riunione»: 60 minuti; «Partecipanti»: 150 minuti. Contati i minuti di «Attività durante la riunione»."), JSON.stringify(differs));
    assert.ok(differs.includes("Non compare in «Attività durante la riunione»: contati i minuti di «Partecipanti»."));
    assert.match(await app.text("[data-testid=report-counts]"), /1 persona abbinata, 3 non abbinate, nessuna ambigua, 1 probabilmente già registrata \(da confermare\)/);
    await app.assertAxe("verifica di un rapporto Teams");
    if (SHOTS) await app.screenshot(join(SHOTS, "file-teams-verifica.png"));

    // «Lucia Pagano» of the report is probably Lucia Maria Pagano: confirmed by hand.
    const lucia = "[data-status=probable] [data-testid=resolution]";
    await app.select(lucia, "Lucia Maria Pagano (ente non indicato)", { byText: true });
    await clickCentred(app, "[data-testid=report-apply]");
    await waitFor(async () => !(await app.exec("return !!document.querySelector('[data-testid=report-preview]')")), "the report recorded");
    const sheet = await app.text("[data-testid=attendance-sheet]");
    assert.match(sheet, /Anna Rossi[\s\S]*assente\s*60\s*Microsoft Teams, italiano/);
    assert.match(sheet, /Lucia Maria Pagano[\s\S]*assente\s*50\s*Microsoft Teams, italiano/);
    if (SHOTS) await app.screenshot(join(SHOTS, "file-teams-registrato.png"));
  } finally {
    await app.quit();
  }
});
