// Rischi e misure through the real app (issue 12): a secretary adds a
// specific measure for an event of «Contratti pubblici», rates the event
// forgetting one motivazione (the error shows at the field), fixes it,
// adopts the measure for two comuni of a zone, records a monitoring entry
// for one and sees the other late. The measure's phase is dated in the past,
// so lateness is certain whatever day the test runs.
import { test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { App, KEY, answerFolderDialog, answerSaveDialogInFolder, openComune, waitFor } from "./wd.mjs";

const SHOTS = process.env.E2E_SHOTS;
const TITLE = "Verifica a campione degli affidamenti diretti sotto soglia";

test("a specific measure for contratti pubblici: rated, adopted by two comuni, monitored, the other late", async () => {
  const app = await App.start();
  try {
    await app.nav("rischi");
    await waitFor(async () => (await app.text("h1")) === "Rischi e misure", "the section");
    await app.el("[data-testid=risk-tree] [data-event]");
    await app.assertAxe("catalogo");
    if (SHOTS) await app.screenshot(join(SHOTS, "rischi-catalogo.png"));

    // Filter on the area, then reach the first event with the keyboard only:
    // one tab stop in the tree, arrows, Enter.
    await app.select("#rf-area", "Contratti pubblici", { byText: true });
    await waitFor(
      () => app.exec("return [...document.querySelectorAll('[data-testid=risk-tree] [data-area]')].length === 1"),
      "the tree filtered to one area",
    );
    await app.exec("document.querySelector('[data-testid=risk-tree] [role=treeitem][tabindex=\"0\"]').focus()");
    await app.keys(KEY.DOWN, KEY.DOWN);
    assert.match(await app.focused(), /^li/, "focus moves along the tree");
    assert.ok(await app.exec("return !!document.activeElement.dataset.event"), "on an event");
    await app.keys(KEY.LEFT);
    assert.ok(await app.exec("return document.activeElement.classList.contains('t-proc')"), "Left: up to the process");
    await app.keys(KEY.RIGHT);
    assert.ok(await app.exec("return !!document.activeElement.dataset.event"), "Right: down to its first event");
    await app.keys(KEY.ENTER);
    await app.el("[data-testid=event-detail]");
    const eventCode = (await app.text("#detail-title")).replace("Evento ", "");
    assert.match(await app.text("[data-testid=event-detail]"), /Contratti pubblici/);

    // A new specific measure for the event, its programming complete; the
    // first save has a target date before the baseline's: refused at the field.
    await app.click("[data-testid=new-measure]");
    await app.el("[data-testid=measure-form]");
    assert.match(await app.text("[data-testid=m-events]"), new RegExp(eventCode));
    await app.typeWhole("#m-title", TITLE);
    await app.select("#m-type_code", "T01");
    await app.fill("#m-responsabili", "Segretario comunale\nResponsabile dell'area tecnica");
    await app.fill("#m-phases-0-description", "Estrazione trimestrale del 10% degli affidamenti diretti e verifica");
    await app.fill("#m-phases-0-due", "01/10/2026");
    await app.fill("#m-indicators-0-name", "Verbale di controllo trimestrale redatto");
    await app.fill("#m-indicators-0-baseline_date", "31/12/2025");
    await app.fill("#m-indicators-0-target_date", "30/06/2025");
    await app.fill("#m-expected", "Quattro verbali l'anno, pubblicati in Amministrazione trasparente.");
    await app.click("[data-testid=measure-save]");
    await waitFor(() => app.exec("return document.activeElement?.id === 'm-indicators-0-target_date'"), "focus on the target date");
    assert.match(await app.text("[data-testid=measure-form]"), /deve essere successiva a quella del valore iniziale/);
    await app.assertAxe("misura con errore");
    await app.fill("#m-indicators-0-target_date", "31/12/2026");
    await app.click("[data-testid=measure-save]");
    await app.el("[data-testid=measure-detail]");
    assert.match(await app.text("#detail-title"), new RegExp(TITLE));
    assert.match(await app.text("[data-testid=measure-detail]"), /Revisione 1/);
    assert.match(await app.text("[data-testid=measure-detail]"), /01\/10\/2026/);
    await app.assertAxe("scheda della misura");
    if (SHOTS) await app.screenshot(join(SHOTS, "rischi-misura.png"));

    // Rate the event: one motivazione missing → the error at that field.
    await app.exec(`[...document.querySelectorAll('[data-testid=risk-tree] [data-event]')].find((e) => e.dataset.code === arguments[0]).click()`, eventCode);
    await app.el("[data-testid=event-detail]");
    await app.click("[data-testid=rate-event]");
    await app.el("[data-testid=rating-form]");
    const levels = ["A", "A", "M", "M", "B", "M"];
    for (let i = 0; i < 6; i++) {
      await app.click(`[data-testid=rt-${i}-${levels[i]}]`);
      await app.fill(`#rt-indicators-${i}-motivazione`, i === 2 ? "" : `Motivazione dell'indicatore ${i + 1}, riferita al contesto dei piccoli comuni.`);
    }
    // The overall lower than the highest indicator: the prudence warning, before saving.
    await app.click("[data-testid=rt-overall-M]");
    await waitFor(async () => /Principio di prudenza/.test(await app.text("[data-testid=prudence-warning]")), "the prudence warning");
    await app.click("[data-testid=rt-overall-A]");
    await waitFor(() => app.exec("return !document.querySelector('[data-testid=prudence-warning]')"), "the warning gone");
    await app.fill("#rt-motivazione", "Interesse esterno e discrezionalità elevati: rischio alto per prudenza.");
    await app.click("[data-testid=rating-save]");
    await waitFor(() => app.exec("return document.activeElement?.id === 'rt-indicators-2-motivazione'"), "focus on the missing motivazione");
    const err = await app.exec("const f = document.querySelector('#rt-indicators-2-motivazione'); return f.getAttribute('aria-invalid') + '|' + document.getElementById(f.getAttribute('aria-describedby')).textContent");
    assert.match(err, /^true\|.*la motivazione è obbligatoria/);
    await app.assertAxe("valutazione con errore");
    if (SHOTS) await app.screenshot(join(SHOTS, "rischi-valutazione-errore.png"));
    await app.fill("#rt-indicators-2-motivazione", "Nessun procedimento penale o disciplinare noto negli ultimi cinque anni.");
    await app.click("[data-testid=rating-save]");
    await waitFor(async () => (await app.text("[data-testid=event-level]")) === "Alto", "the event rated Alto");

    // Adoption for two comuni of a zone.
    await app.dismissToasts();
    await app.exec("document.querySelector('#tab-adozione').scrollIntoView(); document.querySelector('#tab-adozione').click()");
    await app.el("#many-zone");
    const zone = await app.exec("return document.querySelector('#many-zone').options[1].value");
    await app.select("#many-zone", zone);
    await app.el("[data-testid=adopt-many] input[data-istat]");
    const [first, second] = await app.exec(`
      const boxes = [...document.querySelectorAll('[data-testid=adopt-many] input[data-istat]')];
      boxes.slice(2).forEach((b) => b.click());
      return boxes.slice(0, 2).map((b) => b.dataset.istat);`);
    await app.exec(
      `[...document.querySelectorAll('[data-testid=adopt-many] input[data-measure]')].find((b) => b.closest('label').textContent.includes(arguments[0])).click()`,
      TITLE,
    );
    await app.assertAxe("adozione per più comuni");
    await app.click("[data-testid=adopt-many-go]");
    await waitFor(async () => /2 adozioni registrate/.test(await app.exec("return document.body.textContent")), "two adoptions");

    // Monitoring for the first comune: «non attuata» without motivazione is
    // refused at the field; «in corso» with its value is recorded.
    await app.dismissToasts();
    await app.exec("document.querySelector('#tab-piano').scrollIntoView(); document.querySelector('#tab-piano').click()");
    await app.select("#plan-comune", first);
    const row = `[data-testid=plan-table] tr:has(td:first-child:not(:empty))`;
    await app.el(row);
    const rowOf = (t) => `return [...document.querySelectorAll('[data-testid=plan-table] tbody tr')].find((r) => r.textContent.includes(${JSON.stringify(t)}))`;
    await waitFor(() => app.exec(`${rowOf(TITLE)}?.querySelector('[data-testid=late]') != null`), "the measure late before monitoring");
    await app.exec(`${rowOf(TITLE)}.querySelector('[data-testid=monitor]').click()`);
    await app.el("[data-testid=monitoring-form]");
    await app.select("#mon-state", "non_attuata");
    await app.fill("#mon-values-0", "0");
    await app.click("[data-testid=monitor-save]");
    await waitFor(() => app.exec("return document.activeElement?.id === 'mon-motivazione'"), "focus on the motivazione");
    assert.match(await app.text("#mon-motivazione-error"), /motivazione è obbligatoria/);
    await app.assertAxe("monitoraggio con errore");
    await app.select("#mon-state", "in_corso");
    await app.fill("#mon-values-0", "1");
    await app.click("[data-testid=monitor-save]");
    await waitFor(() => app.exec(`const r = ${rowOf(TITLE).replace("return ", "")}; return r && !r.querySelector('[data-testid=late]') && r.textContent.includes('In corso')`), "monitored: no longer late");
    if (SHOTS) await app.screenshot(join(SHOTS, "rischi-piano-monitorato.png"));

    // The other comune: late, highlighted.
    await app.select("#plan-comune", second);
    await waitFor(() => app.exec(`${rowOf(TITLE)}?.querySelector('[data-testid=late]') != null`), "the other comune late");
    assert.match(await app.text("[data-testid=plan-summary]"), /1 in ritardo/);
    await app.assertAxe("piano del comune con misura in ritardo");
    if (SHOTS) await app.screenshot(join(SHOTS, "rischi-piano-ritardo.png"));

    // The late comune's scheda, printed through the save dialog.
    const dir = mkdtempSync(join(tmpdir(), "cdp-risks-"));
    await app.dismissToasts();
    await app.exec(`${rowOf(TITLE)}.querySelector('[data-testid=print-adopted]').click()`);
    answerSaveDialogInFolder("Salva la scheda misura", dir);
    await waitFor(() => readdirSync(dir).some((f) => f.endsWith(".pdf")), "the scheda written");
    const file = join(dir, readdirSync(dir).find((f) => f.endsWith(".pdf")));
    assert.match(file, /Scheda_misura_M-S-\d+_/);
    const pdf = execFileSync("pdftotext", [file, "-"]).toString().replace(/\s+/g, " ");
    assert.match(pdf, /SCHEDA MISURA/);
    assert.match(pdf, new RegExp(TITLE));
    assert.match(pdf, /Contratti pubblici/);
    assert.match(pdf, /Verbale di controllo trimestrale redatto/);
    assert.match(pdf, /in ritardo/);
    assert.match(pdf, /01\/10\/2026/);

    // The figures count one adoption implemented or not, one late.
    await app.exec("document.querySelector('#tab-riepilogo').scrollIntoView(); document.querySelector('#tab-riepilogo').click()");
    await app.el("#fig-title");
    await waitFor(async () => new RegExp(TITLE).test(await app.text("[data-testid=late-list]")), "the late comune in the network's list");
    assert.equal(await app.exec(`return [...document.querySelectorAll('[data-testid=late-list] tbody tr')].filter((r) => r.textContent.includes(arguments[0])).length`, TITLE), 1);
    await app.assertAxe("riepilogo");
    // The network's monitoring as CSV through the save dialog.
    await app.dismissToasts();
    await app.clickText("Monitoraggio della rete in CSV");
    answerSaveDialogInFolder("Esporta monitoraggio delle misure della rete in CSV", dir);
    await waitFor(() => readdirSync(dir).some((f) => f.endsWith(".csv")), "the CSV written");
    const csv = readFileSync(join(dir, readdirSync(dir).find((f) => f.endsWith(".csv"))), "utf8");
    assert.match(csv, /Codice ISTAT;Comune;Codice misura;Misura;Data;Stato/);
    assert.match(csv, new RegExp(`${TITLE};\\d{2}/\\d{2}/\\d{4};in corso;1;`));

    // The measure's schede for every comune that adopted it, into a chosen folder.
    const batch = mkdtempSync(join(tmpdir(), "cdp-schede-"));
    await app.exec("document.querySelector('#tab-catalogo').scrollIntoView(); document.querySelector('#tab-catalogo').click()");
    await app.el("[data-testid=measure-list]");
    await app.exec(`[...document.querySelectorAll('[data-testid=measure-list] button')].find((b) => b.textContent.trim() === arguments[0]).click()`, TITLE);
    await app.el("[data-testid=measure-detail]");
    await app.dismissToasts();
    await app.exec("document.querySelector('[data-testid=schede-misura] [role=menuitem]').click()");
    answerFolderDialog("Cartella per 2 schede misura", batch);
    await waitFor(() => readdirSync(batch).filter((f) => f.endsWith(".pdf")).length === 2, "two schede in the folder");
    await waitFor(async () => /2 schede salvate/.test(await app.exec("return document.body.textContent")), "the batch reported");
  } catch (e) {
    if (process.env.E2E_FAIL_SHOT) {
      await app.screenshot(process.env.E2E_FAIL_SHOT).catch(() => {});
      console.log("toasts:", await app.exec("return [...document.querySelectorAll('[role=status], [role=alert]')].map((t) => t.textContent).join(' | ')").catch(() => ""));
    }
    throw e;
  } finally {
    await app.quit();
  }
});

test("the plan is reached from the comune's page; the scheda di contesto shows the simplified path", async () => {
  const app = await App.start();
  try {
    await openComune(app, "sant agata", "Sant'Agata di Militello");
    await app.click("[data-testid=open-risk-plan]");
    await waitFor(async () => (await app.text("h1")) === "Rischi e misure", "the section");
    await waitFor(async () => /Sant'Agata di Militello/.test(await app.text("[data-testid=risk-context]")), "the comune's plan");
    assert.equal(await app.exec("return document.querySelector('#tab-piano').getAttribute('aria-selected')"), "true");
    // With the segretario in convenzione, «with whom» is required.
    await app.fill("#ctx-employees", "38");
    await app.exec("document.querySelector('#ctx-segretario').click()");
    await app.el("#ctx-convenzione_with");
    await app.clickText("Salva la scheda di contesto");
    await waitFor(() => app.exec("return document.activeElement?.id === 'ctx-convenzione_with'"), "focus on «convenzione con»");
    assert.match(await app.text("#ctx-convenzione_with-error"), /indicare con quali comuni/);
    await app.fill("#ctx-convenzione_with", "Comune di Torrenova (capofila)");
    await app.clickText("Salva la scheda di contesto");
    await app.el("[data-testid=simplified-path]");
    assert.match(await app.text("[data-testid=simplified-path]"), /DM 132\/2022/);
    await app.assertAxe("scheda di contesto, percorso semplificato");
    // Without an RPCT in the registry, the annex's blank is announced before printing.
    const rpctLine = await app.text("#ctx-title + .subtitle");
    const warned = await app.exec("return !!document.querySelector('[data-testid=annex-rpct-warning]')");
    assert.equal(warned, /non indicato/.test(rpctLine), rpctLine);
    if (warned) assert.match(await app.text("[data-testid=annex-rpct-warning]"), /da indicare nell'anagrafe dei referenti/);

    // The user adds an area of risk of the network's own; a second with the same name is refused.
    await app.exec("document.querySelector('#tab-catalogo').scrollIntoView(); document.querySelector('#tab-catalogo').click()");
    await app.clickText("Nuova area");
    await app.typeWhole("#add-name", "Servizi cimiteriali");
    await app.select("#add-kind", "specifica");
    await app.clickText("Aggiungi");
    await waitFor(async () => /Servizi cimiteriali/.test(await app.text("[data-testid=risk-tree]")), "the new area in the tree");
    await app.clickText("Nuova area");
    await app.typeWhole("#add-name", "servizi  cimiteriali");
    await app.clickText("Aggiungi");
    await waitFor(() => app.exec("return document.activeElement?.id === 'add-name'"), "focus on the name");
    assert.match(await app.text("#add-name-error"), /Esiste già/);
    await app.assertAxe("nuova area con errore");

    // The vocabulary with its sources; a factor renamed inline.
    await app.exec("document.querySelector('#tab-vocabolario').scrollIntoView(); document.querySelector('#tab-vocabolario').click()");
    await app.el("[data-testid=vocabulary]");
    assert.match(await app.text("[data-testid=vocabulary]"), /PNA 2019/);
    await app.exec("[...document.querySelectorAll('[data-testid=vocabulary] button')].find((b) => b.textContent.includes('Rinomina') && b.textContent.includes('F1')).click()");
    await app.typeWhole("#voc-name", "mancanza di misure di trattamento del rischio o di controlli");
    await app.assertAxe("vocabolario in modifica");
    await app.clickText("Salva");
    await waitFor(async () => /mancanza di misure di trattamento del rischio o di controlli/.test(await app.text("[data-testid=vocabulary]")), "the factor renamed");
    if (SHOTS) await app.screenshot(join(SHOTS, "rischi-contesto.png"));
  } catch (e) {
    if (process.env.E2E_FAIL_SHOT) await app.screenshot(process.env.E2E_FAIL_SHOT).catch(() => {});
    throw e;
  } finally {
    await app.quit();
  }
});

test("reflow: the risks screens at 960×600 and at 200% text size, nothing cut off sideways", async () => {
  const app = await App.start();
  const reflow = async (where) => {
    const [sw, iw, wide] = await app.exec(`
      const wide = [...document.querySelectorAll("main *")].filter((e) => {
        const r = e.getBoundingClientRect();
        return r.width > 0 && r.right > innerWidth + 1 && !e.closest("dialog:not([open])") && !e.parentElement.closest(".table-scroll");
      }).slice(0, 5).map((e) => e.tagName + (e.id ? "#" + e.id : "") + "." + e.className);
      return [document.documentElement.scrollWidth, innerWidth, wide];`);
    assert.ok(sw <= iw + 1 && wide.length === 0, `${where}: content wider than the window (${sw} > ${iw}): ${wide.join(", ")}`);
  };
  try {
    for (const [name, w, h, zoom] of [["960x600", 960, 600, 100], ["testo-200", 1280, 800, 200]]) {
      await app.resize(w, h);
      await app.zoomText(zoom);
      await app.nav("rischi");
      await app.el("[data-testid=risk-tree] [data-event]");
      await app.exec("document.querySelector('[data-testid=risk-tree] [data-event]').click()");
      await app.el("[data-testid=event-detail]");
      await reflow(`catalogo ${name}`);
      await app.click("[data-testid=new-measure]");
      await app.el("[data-testid=measure-form]");
      await reflow(`editor della misura ${name}`);
      if (SHOTS) await app.screenshot(join(SHOTS, `rischi-${name}-editor.png`));
      await app.exec("document.querySelector('[data-testid=measure-form] button[type=button].btn-outline:last-of-type')?.click()");
      for (const tab of ["piano", "adozione", "riepilogo"]) {
        await app.exec(`document.querySelector('#tab-${tab}').scrollIntoView(); document.querySelector('#tab-${tab}').click()`);
        await app.el(`#panel-${tab}`);
        if (tab === "piano") {
          await app.select("#plan-comune", await app.exec("return document.querySelector('#plan-comune').options[1].value"));
          await app.el("[data-testid=risk-context]");
        }
        if (tab === "adozione") {
          await app.select("#many-zone", await app.exec("return document.querySelector('#many-zone').options[1].value"));
          await app.el("[data-testid=adopt-many] input[data-istat]");
        }
        await reflow(`${tab} ${name}`);
        if (SHOTS) await app.screenshot(join(SHOTS, `rischi-${name}-${tab}.png`));
      }
      await app.exec("document.querySelector('#tab-catalogo').click()");
    }
  } catch (e) {
    if (process.env.E2E_FAIL_SHOT) await app.screenshot(process.env.E2E_FAIL_SHOT).catch(() => {});
    throw e;
  } finally {
    await app.quit();
  }
});
