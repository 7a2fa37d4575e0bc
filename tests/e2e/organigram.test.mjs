// The organigram through the real app: a secretary adds a tavolo tematico
// with a coordinator from the registry and a member who is not in it (and
// makes a mistake on the way), sees both in the tree, goes back to a date
// before the tavolo existed, and moves through the tree with the keyboard.
import { test } from "node:test";
import assert from "node:assert/strict";
import { join } from "node:path";
import { readFileSync, existsSync } from "node:fs";
import { execFileSync } from "node:child_process";
import { withApp, KEY, waitFor, openComune, answerSaveDialog } from "./wd.mjs";

const SHOTS = process.env.E2E_SHOTS;
const TAVOLO = "Tavolo di Pratiche per la Progettazione d'Area Vasta";

// The box's text: its accessible name (a treeitem is named by its content).
const labelOf = (app, key) => app.exec("return document.querySelector(`[data-key='${arguments[0]}']`)?.textContent.replace(/\\s+/g, ' ').trim() ?? null", key);
const keys = (app) => app.exec("return [...document.querySelectorAll('[role=treeitem]')].map(e => e.dataset.key)");
/** Clicks the button with `text` after scrolling it into view (the page is long). */
async function press(app, text, scope = "button") {
  await app.exec("[...document.querySelectorAll(arguments[1])].find(b => b.textContent.trim() === arguments[0])?.scrollIntoView({block: 'center'}); return true", text, scope);
  await app.clickText(text, scope);
}
const focusedKey = (app) => app.exec("return document.activeElement?.dataset?.key ?? null");

/** Focuses the tree item `key` and presses Enter until the panel shows `title`
 * (a screen just drawn may still move focus to its heading). */
async function openByKeyboard(app, key, title) {
  await app.settled();
  await waitFor(async () => {
    if ((await app.text("#org-detail-title")) === title) return true;
    await app.exec("document.querySelector(`[data-key='${arguments[0]}']`)?.focus()", key);
    if ((await focusedKey(app)) !== key) return false;
    await app.keys(KEY.ENTER);
    return waitFor(async () => (await app.text("#org-detail-title")) === title, `the panel of ${title}`, 2000).catch(() => false);
  }, `the panel of ${title}`, 15000);
}

test("a tavolo tematico with a coordinator from the registry and an external member, as of two dates", () =>
  withApp(async (app) => {
    // The coordinator is the RPCT of Lipari, already in the registry.
    await openComune(app, "lipari", "Lipari");
    await app.clickText("Aggiungi referente");
    await app.typeWhole("#ref-full_name", "Maria Lo Presti");
    await app.type("#ref-email", "rpct@comunelipari.it");
    await app.exec("const i = document.querySelector('#ref-valid_from'); i.value = '2024-01-01'; i.dispatchEvent(new Event('input', {bubbles: true}))");
    await app.clickText("Aggiungi referente", "button[type=submit]");
    await waitFor(async () => (await app.text("[data-testid=referents-active]")).includes("Maria Lo Presti"), "the RPCT recorded");

    await app.nav("organigramma");
    await waitFor(async () => (await app.text("h1")) === "Organigramma", "the organigram");
    await waitFor(async () => (await keys(app)).length >= 11, "the proposal's units and the zones");
    assert.match(await labelOf(app, "u1"), /^Responsabile del progetto/);
    await app.assertAxe("organigramma");
    if (SHOTS) await app.screenshot(join(SHOTS, "organigramma.png"));

    // Keyboard: one tab stop, Down to the next unit, Enter opens its details.
    await app.exec("document.querySelector('[data-key=u1]').focus()");
    await app.keys(KEY.DOWN);
    await waitFor(async () => (await focusedKey(app)) === "u2", "Segreteria tecnica focused");
    await app.keys(KEY.UP, KEY.LEFT);
    await waitFor(async () => (await keys(app)).length === 1, "the root collapsed");
    await app.keys(KEY.RIGHT);
    await waitFor(async () => (await keys(app)).length >= 11, "the root expanded");
    await waitFor(async () => (await focusedKey(app)) === "u1", "focus kept on the root");
    await app.exec("document.querySelector('[data-key=u5]').focus()");
    await app.keys(KEY.ENTER);
    await waitFor(async () => (await app.text("#org-detail-title")) === "Tavoli tematici", "the panel of the tavoli");

    // A new tavolo under «Tavoli tematici».
    await app.clickText("Aggiungi unità interna");
    await app.typeWhole("#unit-name", TAVOLO);
    await app.select("#unit-kind", "tavolo");
    await app.typeWhole("#unit-valid_from", "01/03/2026");
    await app.assertAxe("organigramma, nuova unità");
    await app.clickText("Aggiungi unità", "button[type=submit]");
    await waitFor(async () => (await app.text("#org-detail-title")) === TAVOLO, "the panel of the new tavolo");

    // Its coordinator, found in the registry.
    await app.dismissToasts();
    await app.clickText("Aggiungi persona");
    await app.typeWhole("#role-query", "lo presti");
    await app.el("[data-testid=role-candidates] input[type=radio]");
    assert.match(await app.text("[data-testid=role-candidates]"), /Maria Lo Presti RPCT – Comune di Lipari/);
    await app.exec("document.querySelector('[data-testid=role-candidates] input[type=radio]').click()");
    await app.fill("#role-title", "Coordinatrice");
    await app.typeWhole("#role-valid_from", "01/03/2026");
    await app.assertAxe("organigramma, nuova persona dall'anagrafica");
    await app.dismissToasts();
    await app.clickText("Aggiungi", "button[type=submit]");
    await waitFor(async () => (await app.text("[data-testid=org-people]")).includes("Maria Lo Presti"), "the coordinator in the unit");

    // A member who is not in the registry; first with an end before the start.
    await app.dismissToasts();
    await app.clickText("Aggiungi persona");
    await app.exec("document.querySelector('input[name=role-source][value=new]').click()");
    await app.typeWhole("#role-full_name", "Giovanni Santoro");
    await app.typeWhole("#role-ente", "Università degli Studi di Messina");
    await app.typeWhole("#role-email", "g.santoro@unime.it");
    await app.fill("#role-title", "Componente");
    await app.typeWhole("#role-valid_from", "15/03/2026");
    await app.typeWhole("#role-valid_to", "01/03/2026");
    await app.dismissToasts();
    await app.clickText("Aggiungi", "button[type=submit]");
    await waitFor(async () => /non può precedere/.test(await app.text("#role-valid_to-error")), "the error at the end date");
    assert.equal(await app.exec("return document.querySelector('#role-valid_to').getAttribute('aria-invalid')"), "true");
    await waitFor(async () => (await app.exec("return document.activeElement.id")) === "role-valid_to", "focus on the wrong field");
    await app.assertAxe("organigramma, errore alla data");
    await app.fill("#role-valid_to", "");
    await app.dismissToasts();
    await app.clickText("Aggiungi", "button[type=submit]");
    await waitFor(async () => (await app.text("[data-testid=org-people]")).includes("Giovanni Santoro"), "the member in the unit");

    // Both in the tree.
    const key = await app.exec("return [...document.querySelectorAll('[role=treeitem]')].find(e => e.textContent.replace(/\\s+/g, ' ').trim().startsWith(arguments[0]))?.dataset.key", TAVOLO);
    assert.ok(key);
    const label = await labelOf(app, key);
    assert.match(label, /Coordinatrice: Maria Lo Presti/);
    assert.match(label, /Componente: Giovanni Santoro/);
    assert.match(await app.exec("return document.querySelector(`[data-key='${arguments[0]}']`).textContent", key), /Componente: Giovanni Santoro/);
    if (SHOTS) await app.screenshot(join(SHOTS, "organigramma-tavolo.png"));

    // Search a person: the result opens the unit.
    await app.fill("#org-search", "santoro");
    await waitFor(async () => /1 persona trovata/.test(await app.text("#org-search-status")), "one person found");
    await app.assertAxe("organigramma, ricerca");

    // The unit's history.
    await press(app, "Storico");
    await waitFor(async () => (await app.text("[data-testid=org-history]")).includes("Incarico conferito: Giovanni Santoro"), "the history");

    // The list view shows the same tree.
    await press(app, "Elenco");
    await waitFor(async () => (await app.text("[data-testid=org-list]")).includes("Giovanni Santoro"), "the list view");
    await app.assertAxe("organigramma, elenco");
    await press(app, "Albero");

    // The people and their roles, to a CSV chosen in the save dialog.
    const csv = join(app.dir, "persone-e-ruoli.csv");
    await press(app, "Persone e ruoli (CSV)");
    answerSaveDialog("Esporta persone e ruoli dell'organigramma in CSV", csv);
    await waitFor(() => existsSync(csv), "the CSV written");
    const rows = readFileSync(csv, "utf8");
    assert.match(rows, /Coordinatrice;Maria Lo Presti;Comune di Lipari;RPCT;rpct@comunelipari\.it/);
    assert.match(rows, /Componente;Giovanni Santoro;Università degli Studi di Messina;;g\.santoro@unime\.it/);

    // The organigram printed: a PDF/A page with every name and role, and its date.
    const pdf = join(app.dir, "organigramma.pdf");
    await press(app, "Stampa l'organigramma (PDF)");
    answerSaveDialog("Stampa l'organigramma", pdf);
    await waitFor(() => existsSync(pdf), "the PDF written");
    const text = execFileSync("pdftotext", ["-enc", "UTF-8", pdf, "-"]).toString().replace(/\s+/g, " ");
    // The app's today: the one run.sh fixes (CDP_TODAY), else the local date.
    const iso = process.env.CDP_TODAY ?? new Date().toLocaleDateString("sv");
    const today = iso.split("-").reverse().join("/");
    for (const want of [`Composizione al ${today}`, "Coordinatrice: Maria Lo Presti", "Componente: Giovanni Santoro", "Tavolo di Pratiche per la Progettazione d'Area Vasta", "Segreteria tecnica"]) {
      assert.ok(text.includes(want), `«${want}» in the PDF: ${text}`);
    }

    // The draft act from its editable template: a wrong placeholder is refused at the field.
    await press(app, "Modello della determinazione");
    await app.el("#act-body");
    await app.fill("#act-body", (await app.value("#act-body")) + "\n{{ comune.nome }}");
    await press(app, "Salva il modello", "button[type=submit]");
    await waitFor(async () => /comune\.nome/.test(await app.text("#act-body-error")), "the error at the template");
    await app.assertAxe("organigramma, modello della determinazione");
    await app.exec("window.confirm = () => true");
    await app.keys(KEY.ESCAPE);
    await waitFor(async () => !(await app.exec("return !!document.querySelector('[data-testid=act-template]')")), "the editor closed");
    const act = join(app.dir, "determina.pdf");
    await press(app, "Bozza di determinazione (PDF)");
    answerSaveDialog("Salva la bozza di determinazione", act);
    await waitFor(() => existsSync(act), "the act written");
    const actText = execFileSync("pdftotext", ["-enc", "UTF-8", act, "-"]).toString().replace(/\s+/g, " ");
    assert.match(actText, /DETERMINAZIONE DEL SEGRETARIO GENERALE/);
    assert.match(actText, /Maria Lo Presti, Coordinatrice – Comune di Lipari, su designazione del Comune ai sensi del Protocollo d’intesa \(nota prot\. n\. ____ del ____\); Giovanni Santoro, Componente – Università degli Studi di Messina, su designazione dell’ente di appartenenza/);

    // By the setting in the act's screen, the same act as a decree of the Sindaco metropolitano.
    await press(app, "Modello della determinazione");
    await app.el("#act-body");
    await app.click("[data-testid=act-kind-decreto]");
    await waitFor(async () => (await app.text("#act-title")).includes("Decreto del Sindaco metropolitano"), "the decree's template shown");
    assert.match(await app.value("#act-body"), /\*\*DECRETA\*\*/);
    await app.assertAxe("organigramma, forma dell'atto");
    if (SHOTS) await app.screenshot(join(SHOTS, "organigramma-forma-atto.png"));
    await app.keys(KEY.ESCAPE);
    await waitFor(async () => !(await app.exec("return !!document.querySelector('[data-testid=act-template]')")), "the editor closed");
    const decree = join(app.dir, "decreto.pdf");
    await press(app, "Bozza di decreto (PDF)");
    answerSaveDialog("Salva la bozza di decreto", decree);
    await waitFor(() => existsSync(decree), "the decree written");
    const decreeText = execFileSync("pdftotext", ["-enc", "UTF-8", decree, "-"]).toString().replace(/\s+/g, " ");
    assert.match(decreeText, /DECRETO DEL SINDACO METROPOLITANO/);
    assert.match(decreeText, /art\. 12, comma 4, della L\.R\. 4 agosto 2015, n\. 15/);
    assert.match(decreeText, /DECRETA/);
    assert.doesNotMatch(decreeText, /DETERMINAZIONE DEL SEGRETARIO GENERALE/);

    // Before the tavolo existed: gone.
    await app.exec("document.querySelector('#org-as-of').scrollIntoView(); return true");
    await app.typeWhole("#org-as-of", "28/02/2026");
    await app.keys(KEY.TAB);
    await waitFor(async () => !(await keys(app)).includes(key), "the tavolo gone on 28/02/2026");
    assert.ok((await keys(app)).includes("u5"));
    // Between the two dates: the coordinator only.
    await app.typeWhole("#org-as-of", "10/03/2026");
    await app.keys(KEY.TAB);
    await waitFor(async () => (await keys(app)).includes(key), "the tavolo back on 10/03/2026");
    const early = await labelOf(app, key);
    assert.match(early, /Maria Lo Presti/);
    assert.doesNotMatch(early, /Santoro/);
  }));

test("the zone referent chosen in the organigram is the one of the Zone section; Escape closes a form", () =>
  withApp(async (app) => {
    await openComune(app, "lipari", "Lipari");
    await app.clickText("Aggiungi referente");
    await app.typeWhole("#ref-full_name", "Bartolo Famularo");
    await app.exec("const i = document.querySelector('#ref-valid_from'); i.value = '2023-05-01'; i.dispatchEvent(new Event('input', {bubbles: true}))");
    await app.clickText("Aggiungi referente", "button[type=submit]");
    await waitFor(async () => (await app.text("[data-testid=referents-active]")).includes("Bartolo Famularo"), "the RPCT recorded");

    await app.nav("organigramma");
    const zone = await waitFor(
      () => app.exec("return [...document.querySelectorAll('[role=treeitem]')].find(e => e.textContent.trim().startsWith('Isole Eolie'))?.dataset.key"),
      "the zone Isole Eolie in the tree",
    );
    await openByKeyboard(app, zone, "Isole Eolie");
    await press(app, "Cambia referente di zona");
    await app.select("#org-zone-ref", "Bartolo Famularo — RPCT", { byText: true });
    await app.assertAxe("organigramma, referente di zona");
    await app.dismissToasts();
    await press(app, "Salva", "button[type=submit]");
    await waitFor(async () => (await labelOf(app, zone)).includes("Referente di zona: Bartolo Famularo"), "the referent in the tree");
    await press(app, "Storico");
    await waitFor(async () => (await app.text("[data-testid=org-history]")).includes("Referente di zona: da nessuno a Bartolo Famularo (Comune di Lipari)"), "the zone's history");

    // The Zone section shows the same referent: one change, not two.
    await app.exec("window.scrollTo(0, 0); return true");
    await app.nav("zone");
    await waitFor(async () => (await app.text("[data-testid=zones-table] tr[data-zone='Isole Eolie']")).includes("Bartolo Famularo (Lipari)"), "the referent in the Zone section");

    // A form opened by mistake closes with Escape, focus back where it was.
    await app.nav("organigramma");
    await app.el("[data-key=u2]");
    await openByKeyboard(app, "u2", "Segreteria tecnica");
    await press(app, "Aggiungi persona");
    await app.el("[data-testid=role-form]");
    await app.keys(KEY.ESCAPE);
    await waitFor(async () => !(await app.exec("return !!document.querySelector('[data-testid=role-form]')")), "the form closed");
  }));
