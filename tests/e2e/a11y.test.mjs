// Accessibility (WCAG 2.1 AA, L. 4/2004): axe-core on every screen and in the
// states the user meets (forms open, errors shown, dialogs, empty lists), the
// layout at 960×600 and at 200% text size, and one path done with the
// keyboard alone, asserting at each step where focus is.
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { App, KEY, answerSaveDialogInFolder, openComune, sleep, waitFor, withApp } from "./wd.mjs";

const SHOTS = process.env.E2E_SHOTS;
const SECTIONS = ["cruscotto", "comuni", "adesioni", "zone", "mappa", "organigramma", "rischi", "formazione", "comunicazioni", "fineanno", "documenti", "impostazioni", "informazioni"];

const h1 = (app) => app.text("main h1");

/** Nothing cut off sideways: the page never needs a horizontal scroll bar
 * (a data table may scroll inside its own focusable region, as WCAG 1.4.10 allows). */
async function assertReflow(app, where) {
  const [sw, iw, wide] = await app.exec(`
    const wide = [...document.querySelectorAll("main *")].filter((e) => {
      const r = e.getBoundingClientRect();
      return r.width > 0 && r.right > innerWidth + 1 && !e.closest("dialog:not([open])") && !e.parentElement.closest(".table-scroll");
    }).slice(0, 5).map((e) => e.tagName + (e.id ? "#" + e.id : "") + "." + e.className);
    return [document.documentElement.scrollWidth, innerWidth, wide];`);
  assert.ok(sw <= iw + 1 && wide.length === 0, `${where}: content wider than the window (${sw} > ${iw}): ${wide.join(", ")}`);
}

async function showSection(app, s) {
  await app.nav(s);
  await waitFor(async () => (await app.exec("return !document.querySelector('main .loading')")) && (await h1(app)).length > 0, `the ${s} screen`);
  await sleep(300);
}

test("axe-core: no WCAG 2.1 AA violation on any screen, in every state visited", () =>
  withApp(async (app) => {
    // Every section of the sidebar is visited here (and photographed by the reflow test).
    assert.deepEqual(await app.exec("return [...document.querySelectorAll('[data-nav]')].map((b) => b.dataset.nav)"), SECTIONS);
    for (const s of SECTIONS) {
      await showSection(app, s);
      await app.assertAxe(s);
    }
    // The list's empty state.
    await showSection(app, "comuni");
    await app.type("#search", "xyzzy");
    await waitFor(async () => (await app.text("[data-testid=result-count]")) === "Nessun comune", "no results");
    await app.assertAxe("comuni, nessun risultato");
    await app.clear("#search");

    // A comune: its page, a step form with an error, the calendar, the referent form.
    await openComune(app, "sant agata", "Sant'Agata di Militello");
    await app.assertAxe("pagina del comune");
    await app.click("[data-step=invite]");
    await app.el("[data-testid=step-form]");
    await app.click("[data-testid=step-form] button[type=submit]");
    await app.el("#st-protocol_number-error");
    assert.equal(await app.exec("return document.activeElement.id"), "st-protocol_number", "the first invalid field has focus");
    assert.match(await app.exec("return document.getElementById('st-protocol_number').getAttribute('aria-describedby')"), /st-protocol_number-error/);
    await app.assertAxe("modulo del passaggio con errore");
    await app.click("#st-date + button, .date-row button");
    await app.el("[data-testid=calendar][open]");
    await app.assertAxe("calendario aperto");
    await app.keys(KEY.ESCAPE);
    await waitFor(async () => (await app.exec("return document.activeElement.id")) === "st-date", "focus back on the date field");
    assert.ok(await app.exec("return !!document.querySelector('[data-testid=step-form]')"), "Escape in the calendar closes only the calendar");
    await app.fill("#st-date", "31/2/2025");
    await waitFor(() => app.exec("return !!document.getElementById('st-date-error')"), "the core's date error");
    assert.match(await app.text("#st-date-error"), /non è una data valida/);
    await app.assertAxe("data non valida");
    // What was typed is not lost to a stray Escape: the form asks first. The
    // question blocks the page, so Escape is dispatched from a timer.
    const escape = "setTimeout(() => document.activeElement.dispatchEvent(new KeyboardEvent('keydown', { key: 'Escape', bubbles: true, cancelable: true })), 50)";
    await app.exec(escape);
    await waitFor(() => app.alertText(), "the question before closing a form with typed data");
    assert.match(await app.alertText(), /senza salvare/);
    await app.dismissAlert();
    assert.ok(await app.exec("return !!document.querySelector('[data-testid=step-form]')"), "«Annulla» keeps the form open");
    await app.exec(escape);
    await waitFor(() => app.alertText(), "the question again");
    await app.acceptAlert();
    await waitFor(async () => (await app.exec("return document.activeElement.dataset.step")) === "invite", "focus back on «Registra invito»");
    await app.click("[data-testid=ref-add]");
    await app.el("[data-testid=referent-form]");
    assert.equal(await app.exec("return document.activeElement.id"), "ref-role", "the referent form opens on its first field");
    await app.assertAxe("modulo del referente");
    await app.keys(KEY.ESCAPE);
    await waitFor(async () => (await app.exec("return document.activeElement.dataset.testid")) === "ref-add", "focus back on «Aggiungi referente»");

    // Zones: the rename form and the delete dialog.
    await showSection(app, "zone");
    await app.click("[data-testid=zone-proposal] button");
    await app.el("[data-testid=zones-table]");
    await app.clickText("Rinomina");
    await app.el("form[aria-label^='Rinomina'] input");
    await app.assertAxe("rinomina zona");
    await app.keys(KEY.ESCAPE);
    await app.clickText("Elimina");
    await app.el("dialog[open]");
    await app.assertAxe("dialogo di eliminazione della zona");
    await app.keys(KEY.ESCAPE);
    await waitFor(
      () => app.exec("const a = document.activeElement; return a.getAttribute('aria-haspopup') === 'menu' && !!a.closest('[data-testid=zones-table] tr[data-zone]')"),
      "focus back on the row's «Azioni ▾», where «Elimina» was",
    ).catch(async (e) => {
      throw new Error(`${e.message}; focus on ${await app.exec("return document.activeElement.outerHTML.slice(0, 300)")}`);
    });

    // The zones' checklist is one tab stop.
    assert.equal(await app.exec("return document.querySelectorAll('[data-testid=assign-list] input[tabindex=\"0\"]').length"), 1);

    // Adesioni: the register is one tab stop (arrows inside), one selected (Italian count), the bulk dialog.
    await showSection(app, "adesioni");
    assert.equal(await app.exec("return document.querySelectorAll('[data-testid=adh-table] tbody [tabindex=\"0\"]').length"), 1);
    await app.click("[data-testid=adh-table] tbody tr input[type=checkbox]");
    await app.keys(KEY.DOWN);
    assert.equal(await app.exec("return document.activeElement.closest('tr').rowIndex"), 2, "ArrowDown: the next row's checkbox");
    await app.keys(KEY.RIGHT);
    assert.equal(await app.exec("return document.activeElement.tagName"), "BUTTON", "ArrowRight: the comune's name in that row");
    await app.keys(KEY.LEFT, KEY.UP, KEY.SPACE);
    await waitFor(async () => (await app.text("[data-testid=adh-count]")).endsWith("comuni"), "the first row unticked with Space");
    await app.click("[data-testid=adh-table] tbody tr input[type=checkbox]");
    await waitFor(async () => /1 selezionato$/.test(await app.text("[data-testid=adh-count]")), "«1 selezionato»");
    await app.click("[data-testid=bulk-open]");
    await app.el("dialog[open]");
    assert.equal(await app.exec("return document.activeElement.id"), "bulk-date", "the dialog opens on its first field");
    await app.assertAxe("invito collettivo");
    await app.keys(KEY.ESCAPE);
    await waitFor(async () => (await app.exec("return document.activeElement.dataset.testid")) === "bulk-open", "focus back on the dialog's button");

    // Documenti: the register tab (empty), reached with the arrow key.
    await showSection(app, "documenti");
    await app.click("#tab-modelli");
    await app.keys(KEY.RIGHT);
    await waitFor(async () => (await app.exec("return document.activeElement.id")) === "tab-registro", "the second tab");
    assert.equal(await app.exec("return document.getElementById('tab-registro').getAttribute('aria-selected')"), "true");
    assert.equal(await app.exec("return document.getElementById('tab-modelli').tabIndex"), -1, "one tab stop in the tab list");
    await app.assertAxe("registro dei documenti vuoto");

    // Impostazioni: the restore confirmation.
    await showSection(app, "impostazioni");
    await app.click("[data-testid=restore-file]");
    await app.el("[data-testid=restore-confirm]");
    await app.assertAxe("conferma del ripristino");
  }));

test("reflow: every screen at 960×600 and at 200% text size, nothing cut off sideways", () =>
  withApp(async (app) => {
    const sizes = [
      ["1280x800", 1280, 800, 100],
      ["960x600", 960, 600, 100],
      ["testo-200", 1280, 800, 200],
    ];
    for (const [name, w, h, zoom] of sizes) {
      await app.resize(w, h);
      await app.zoomText(zoom);
      for (const s of SECTIONS) {
        await showSection(app, s);
        await assertReflow(app, `${s} ${name}`);
        if (SHOTS) await app.screenshot(join(SHOTS, `a11y-${name}-${s}.png`));
      }
      await openComune(app, "sant agata", "Sant'Agata di Militello");
      await app.click("[data-step=invite]");
      await app.el("[data-testid=step-form]");
      await assertReflow(app, `comune ${name}`);
      if (SHOTS) await app.screenshot(join(SHOTS, `a11y-${name}-comune.png`));
      await app.keys(KEY.ESCAPE);
    }
    await app.assertAxe("testo al 200%");
  }));

/** Presses Tab (or Shift+Tab) until the focused element matches `css`. */
async function tabTo(app, css, { back = false, max = 25 } = {}) {
  for (let i = 0; i < max; i++) {
    if (await app.exec("return document.activeElement.matches(arguments[0])", css)) return;
    if (back) await app.chord([KEY.SHIFT], KEY.TAB);
    else await app.keys(KEY.TAB);
  }
  assert.fail(`${css} not reached with ${max} Tab presses; focus on ${await app.focused()}`);
}

const typeKeys = (app, text) => app.keys(...[...text]);
const focusIs = async (app, css, what) =>
  waitFor(() => app.exec("return document.activeElement.matches(arguments[0])", css), `${what} (focus on ${css})`, 5000).catch(
    async (e) => assert.fail(`${e.message}; focus is on ${await app.focused()}`),
  );
const state = (app) => app.text("[data-testid=adhesion-state]");

test("keyboard only: from launch to the signed protocol, an undo and a document, focus asserted at each step", async () => {
  const dir = mkdtempSync(join(tmpdir(), "cdp-kbd-"));
  try {
    await withApp(async (app) => {
      // Launch: focus on the main heading.
      await focusIs(app, "main h1", "the heading at launch");
      assert.equal(await h1(app), "Cruscotto");
      // The map is one tab stop: from the map, Tab leaves it.
      await tabTo(app, "path[data-istat]");
      const first = await app.exec("return document.activeElement.dataset.istat");
      await app.keys(KEY.RIGHT);
      const second = await app.exec("return document.activeElement.dataset.istat");
      assert.notEqual(second, first, "an arrow moves to a neighbouring comune");
      await app.keys(KEY.TAB);
      assert.ok(!(await app.exec("return document.activeElement.matches('path[data-istat]')")), "one Tab leaves the map");
      assert.equal(await app.exec("return document.querySelectorAll('path[data-istat][tabindex=\"0\"]').length"), 1);

      // Alt+2: the list of comuni; its heading, then the search box.
      await app.chord([KEY.ALT], "2");
      await focusIs(app, "main h1", "the list's heading");
      assert.equal(await h1(app), "Comuni");
      await tabTo(app, "#search");
      await typeKeys(app, "sant agata");
      await waitFor(() => app.exec("return document.querySelectorAll('[data-testid=comuni-table] tbody tr').length === 1"), "one result");
      await app.keys(KEY.ENTER);
      await waitFor(async () => (await h1(app)) === "Sant'Agata di Militello", "the comune's page");
      await focusIs(app, "main h1", "the comune's heading");

      // Invite: the form opens on its date field (today); the protocol number; Enter records.
      await tabTo(app, "[data-step=invite]");
      await app.keys(KEY.ENTER);
      await focusIs(app, "#st-date", "the step form's first field");
      await app.assertAxe("modulo d'invito (tastiera)");
      await tabTo(app, "#st-protocol_number");
      await typeKeys(app, "1234/2026");
      await app.keys(KEY.ENTER);
      await waitFor(async () => (await state(app)) === "Invitato", "Invitato");
      await focusIs(app, "[data-step=send_draft]", "the next step after recording");

      // The draft: the date chosen in the calendar (Enter on today).
      await app.keys(KEY.ENTER);
      await focusIs(app, "#st-date", "the draft form's date");
      await app.keys(KEY.TAB);
      await focusIs(app, ".date-row button", "the calendar button");
      await app.keys(KEY.ENTER);
      await focusIs(app, "[data-testid=calendar] td[tabindex='0']", "today in the calendar");
      await app.keys(KEY.LEFT, KEY.RIGHT, KEY.ENTER);
      await focusIs(app, "#st-date", "the date field after choosing");
      assert.match(await app.value("#st-date"), /^\d{2}\/\d{2}\/\d{4}$/);
      await app.keys(KEY.ENTER);
      await waitFor(async () => (await state(app)) === "Bozza inviata", "Bozza inviata");
      await focusIs(app, "[data-step=adopt_act]", "the next step");

      // The act, with a new designated referent.
      await app.keys(KEY.ENTER);
      await focusIs(app, "#st-date", "the act form's date");
      await tabTo(app, "#st-number");
      await typeKeys(app, "15");
      await tabTo(app, "#st-new_name");
      await typeKeys(app, "Rosa Lo Presti");
      await app.keys(KEY.ENTER);
      await waitFor(async () => (await state(app)) === "Atto adottato", "Atto adottato");
      await focusIs(app, "[data-step]", "a next step");

      // The signed protocol.
      await tabTo(app, "[data-step=sign_protocol]", { back: true });
      await app.keys(KEY.ENTER);
      await focusIs(app, "#st-date", "the protocol form's date");
      await tabTo(app, "#st-registry_number");
      await typeKeys(app, "CM-2026-0042");
      await app.keys(KEY.ENTER);
      await waitFor(async () => (await state(app)) === "Protocollo sottoscritto", "Protocollo sottoscritto");
      await focusIs(app, "[data-step]", "the next step after the protocol");

      // Undo: Escape closes the form and gives focus back; then the undo itself.
      await tabTo(app, "[data-testid=undo-open]");
      await app.keys(KEY.ENTER);
      await focusIs(app, "#st-reason", "the undo form's reason");
      await app.keys(KEY.ESCAPE);
      await focusIs(app, "[data-testid=undo-open]", "the undo button after Escape");
      await app.keys(KEY.ENTER);
      await focusIs(app, "#st-reason", "the reason again");
      await typeKeys(app, "Numero di registro errato");
      await tabTo(app, "[data-testid=undo-form] button[type=submit]");
      await app.keys(KEY.ENTER);
      await waitFor(async () => (await state(app)) === "Atto adottato", "back to Atto adottato");
      await focusIs(app, "[data-step], [data-testid=undo-open]", "a step button after the undo");

      // A document: the Giunta proposal through the save dialog.
      await tabTo(app, "[data-testid=doc-generate]");
      await app.keys(KEY.ENTER);
      answerSaveDialogInFolder("Salva Proposta di deliberazione", dir);
      await waitFor(() => app.exec("return !!document.querySelector('[data-testid=doc-table] tbody tr')"), "the generated document listed");
      await focusIs(app, "[data-testid=doc-generate]", "the generate button after the save dialog");
      assert.equal(readdirSync(dir).filter((f) => f.endsWith(".pdf")).length, 1);

      // Back to the list: focus returns to the search box that opened the comune.
      await tabTo(app, ".back", { back: true, max: 80 });
      await app.keys(KEY.ENTER);
      await focusIs(app, "#search", "the search box that opened the comune");
      // From the list's rows (one tab stop, arrows inside) and back: focus on the row.
      await app.keys(KEY.DOWN);
      await focusIs(app, "tr[data-istat='083084']", "the only row");
      await app.keys(KEY.ENTER);
      await waitFor(async () => (await h1(app)) === "Sant'Agata di Militello", "the comune again");
      await tabTo(app, ".back", { back: true });
      await app.keys(KEY.ENTER);
      await focusIs(app, "tr[data-istat='083084']", "the row of the comune just left");
      await app.assertAxe("elenco dopo il ritorno");
    });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("Alt+number and the sidebar ask before leaving unsaved changes", () =>
  withApp(async (app) => {
    await openComune(app, "alcara", "Alcara li Fusi");
    await app.type("#c-notes", "appunto");
    // The question blocks the page, and WebDriver's key actions wait for the
    // page: Alt+1 and the click are dispatched from a timer (as for Ctrl+Q).
    await app.exec("setTimeout(() => document.activeElement.dispatchEvent(new KeyboardEvent('keydown', { key: '1', altKey: true, bubbles: true })), 50)");
    await waitFor(() => app.alertText(), "the question");
    assert.match(await app.alertText(), /modifiche non salvate/);
    await app.dismissAlert();
    assert.equal(await h1(app), "Alcara li Fusi", "the page stays");
    await app.exec("setTimeout(() => document.querySelector('[data-nav=zone]').click(), 50)");
    await waitFor(() => app.alertText(), "the question from the sidebar");
    await app.dismissAlert();
    assert.equal(await h1(app), "Alcara li Fusi");
    assert.equal(await app.value("#c-notes"), "appunto", "the text is still there");
    // Accepted: the section changes.
    await app.exec("setTimeout(() => document.querySelector('[data-nav=zone]').click(), 50)");
    await waitFor(() => app.alertText(), "the question again");
    await app.acceptAlert();
    await waitFor(async () => (await h1(app)) === "Zone omogenee", "the zones");
    // The change of screen is said in the polite live region.
    await waitFor(async () => (await app.exec("return document.getElementById('annuncio').textContent")) === "Schermata: Zone omogenee", "the announcement");
    assert.equal(await app.exec("return document.getElementById('annuncio').getAttribute('aria-live')"), "polite");
    // The settings form, which stays on screen, asks too; untouched, it does not.
    await app.click("[data-nav=impostazioni]");
    await waitFor(async () => (await h1(app)) === "Impostazioni", "the settings");
    await app.el("#s-operator");
    await app.click("[data-nav=mappa]");
    await waitFor(async () => (await h1(app)) === "Mappa del territorio", "an untouched form lets go without a question");
    await app.click("[data-nav=impostazioni]");
    await waitFor(async () => (await app.value("#s-operator")) !== "", "the settings loaded");
    await app.type("#s-operator", " bis");
    await app.exec("setTimeout(() => document.querySelector('[data-nav=cruscotto]').click(), 50)");
    await waitFor(() => app.alertText(), "the question from the settings");
    await app.dismissAlert();
    assert.equal(await h1(app), "Impostazioni");
  }));

test("the focus ring is at least 3:1 against its halo and the page, and map states differ without colour", () =>
  withApp(async (app) => {
    await app.el("[data-testid=zone-proposal]");
    // Keyboard focus (Tab from the heading) on the primary button of the zone proposal.
    await focusIs(app, "main h1", "the heading");
    await app.keys(KEY.TAB);
    const [outline, halo, fill, around] = await app.exec(`
      const b = document.activeElement;
      const cs = getComputedStyle(b);
      return [b.matches(":focus-visible") ? cs.outlineColor : "none", cs.boxShadow, cs.backgroundColor, getComputedStyle(b.closest("section")).backgroundColor];`);
    const lum = (rgb) => {
      const [r, g, b] = rgb.match(/\d+/g).slice(0, 3).map((x) => Number(x) / 255).map((v) => (v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4));
      return 0.2126 * r + 0.7152 * g + 0.0722 * b;
    };
    const ratio = (a, b) => (Math.max(lum(a), lum(b)) + 0.05) / (Math.min(lum(a), lum(b)) + 0.05);
    assert.ok(ratio(outline, "rgb(255,255,255)") >= 3, `ring against its white halo: ${outline}`);
    assert.ok(ratio(outline, around) >= 3, `ring on the callout's background ${around}: ${outline}`);
    assert.match(halo, /rgb\(255, 255, 255\)/, "a white halo inside the ring");
    assert.ok(ratio("rgb(255,255,255)", fill) >= 3, `halo against the blue button ${fill}`);
    // Map: every state but "Non aderente" and "Protocollo sottoscritto" (plain, light and dark) has a pattern.
    const fills = await app.exec(`return [...document.querySelectorAll("[data-testid=dashboard-legend] .swatch")].map((s) => getComputedStyle(s).backgroundImage + "|" + getComputedStyle(s).backgroundColor)`);
    assert.ok(fills.filter((f) => f.startsWith("none")).length <= 2, `at most two plain swatches: ${fills.join(" ; ")}`);
    // Every border between comuni is a dark line over a white one, so neighbours of
    // any two colours are parted by at least 3:1 against each (checked on the map's own styles).
    const [under, over] = await app.exec(`
      const p = document.querySelector(".map path[data-istat]"), e = document.querySelector(".map-edges path");
      return [getComputedStyle(p).stroke, getComputedStyle(e).stroke];`);
    assert.equal(under, "rgb(255, 255, 255)");
    assert.ok(ratio(over, "rgb(255,255,255)") >= 3, `the dark border line ${over}`);
    const light = await app.exec(`return [...document.querySelectorAll(".map path[data-istat]")].map((p) => p.getAttribute("fill")).filter((f) => f.startsWith("#"))`);
    for (const f of new Set(light)) {
      const rgb = `rgb(${parseInt(f.slice(1, 3), 16)},${parseInt(f.slice(3, 5), 16)},${parseInt(f.slice(5, 7), 16)})`;
      assert.ok(ratio(rgb, "rgb(255,255,255)") >= 3 || ratio(rgb, over) >= 3, `fill ${f} against one of the two border lines`);
    }
    // Zones read without colour: their numbers are on the map and in the legend.
    await app.click("[data-nav=mappa]");
    await app.el(".map-marks text");
    const marks = await app.exec(`return [...document.querySelectorAll(".map-marks text:not(.halo)")].map((t) => t.textContent)`);
    const numbers = await app.exec(`return [...document.querySelectorAll("[data-testid=map-legend] .zone-no")].map((t) => t.textContent)`);
    assert.deepEqual([...marks].sort(), [...numbers].sort(), "each zone's number on the map and in the legend");
  }));
