// The network's year on the Cruscotto: a comune signs the protocol, the
// coordinator chooses the year, reaches each chart with the keyboard (its
// description read out, its table after it), writes the introduction of the
// yearly report, prints the report through the save dialog and exports a
// figure to CSV.
import { test } from "node:test";
import assert from "node:assert/strict";
import { join } from "node:path";
import { readFileSync, existsSync } from "node:fs";
import { execFileSync } from "node:child_process";
import { withApp, KEY, waitFor, answerSaveDialog } from "./wd.mjs";

const SHOTS = process.env.E2E_SHOTS;
// The app's today: the one run.sh fixes (CDP_TODAY), else the local date.
const TODAY = process.env.CDP_TODAY ?? new Date().toLocaleDateString("sv");
const YEAR = Number(TODAY.slice(0, 4));
const PREV = YEAR - 1;

const focusedTestid = (app) => app.exec("return document.activeElement?.dataset?.testid ?? null");

test("the yearly figures on the Cruscotto, by keyboard, and the report printed", () =>
  withApp(async (app) => {
    await app.nav("cruscotto");
    await app.el("[data-testid=year-panel]");
    // The years offered: from this one back to 2017.
    const years = await app.exec("return [...document.querySelectorAll('#year-choice option')].map((o) => o.textContent.trim())");
    assert.equal(years[0], String(YEAR));
    assert.equal(years.at(-1), "2017");
    await app.select("#year-choice", String(PREV));
    await waitFor(async () => (await app.text("[data-testid=year-at]")).startsWith(`Dati al 31/12/${PREV}`), "the previous year's figures");
    const charts = await app.exec(
      "return [...document.querySelectorAll('[data-testid^=chart-]')].map((c) => ({ id: c.dataset.testid, role: c.getAttribute('role'), tab: c.tabIndex, label: c.getAttribute('aria-label'), svg: !!c.querySelector('svg'), table: !!c.parentElement.querySelector('table') }))",
    );
    assert.equal(charts.length, 11, JSON.stringify(charts));
    for (const c of charts) {
      assert.equal(c.role, "img", c.id);
      assert.equal(c.tab, 0, c.id);
      assert.ok(c.label.length > 30, `${c.id} described`);
      assert.ok(c.svg && c.table, `${c.id}: drawing and table`);
    }

    // Keyboard only: from the year's choice, Tab reaches the first chart,
    // and from it the next charts, each after its own export menu.
    await app.exec("document.querySelector('#year-choice').focus()");
    const reached = [];
    for (let i = 0; i < 80 && reached.length < 3; i++) {
      await app.keys(KEY.TAB);
      const t = await focusedTestid(app);
      if (t?.startsWith("chart-")) reached.push(t);
    }
    assert.deepEqual(reached, ["chart-adesioni_per_anno", "chart-popolazione_per_anno", "chart-adesioni_per_zona"]);
    // The map's table: the 108 comuni by state, none signed in a new archive.
    const map = await app.exec(
      "return [...document.querySelectorAll('[data-testid=table-mappa_adesioni] tbody tr')].map((r) => [...r.cells].map((c) => c.textContent.trim()).join(' '))",
    );
    assert.ok(map.includes("Non aderente 108"), JSON.stringify(map));
    await app.assertAxe("cruscotto, l'anno della Comunità");
    if (SHOTS) {
      await app.exec("document.querySelector('[data-testid=year-panel]').scrollIntoView(); return true");
      await app.screenshot(join(SHOTS, "cruscotto-anno.png"));
    }

    // The introduction of the report, saved for the year.
    await app.fill("#year-intro", "Il primo anno di lavoro della Comunità con l'applicazione.");
    await app.click("[data-testid=year-texts-save]");
    await waitFor(async () => (await app.text("body")).includes(`Introduzione e conclusioni della relazione ${PREV} salvate.`), "the texts saved");

    // The report through the save dialog, with the introduction and its figures.
    const pdf = join(app.dir, "relazione.pdf");
    await app.clickText("Salva in PDF/A…", "[role=menuitem]");
    answerSaveDialog(`Salva la relazione annuale ${PREV} della Comunità di Pratiche`, pdf);
    await waitFor(() => existsSync(pdf), "the report written");
    const text = execFileSync("pdftotext", ["-enc", "UTF-8", pdf, "-"]).toString().replace(/\s+/g, " ");
    for (const want of [
      `Relazione annuale della Comunità di Pratiche – anno ${PREV}`,
      "Il primo anno di lavoro della Comunità con l'applicazione.",
      `Comuni aderenti per zona omogenea, ${PREV - 1} e ${PREV}`,
      "Nota sui dati",
    ]) {
      assert.ok(text.includes(want), `«${want}» in the PDF`);
    }

    // One figure to CSV, as its table shows it.
    await app.dismissToasts();
    const csv = join(app.dir, "formazione.csv");
    await app.clickText("CSV…", "[data-figure=formazione] [role=menuitem]");
    answerSaveDialog(`Esporta «La formazione in cifre, ${PREV - 1} e ${PREV}» in CSV`, csv);
    await waitFor(() => existsSync(csv), "the CSV written");
    assert.match(readFileSync(csv, "utf8"), new RegExp(`^\\uFEFFVoce;${PREV - 1};${PREV}\\r\\nGiornate formative;0;0\\r\\n`));
  }));
