// The screens a secretary works in all day (issue 23), through the real app
// and mostly by keyboard: the main content above the fold at 960×600 with
// the sidebar open and collapsed (remembered), no word broken in a table
// cell, adopting a measure (focus after «Adotta», from its own detail for
// several comuni), cancelling an event (asks, says who is enrolled, undone),
// no English word on screen. axe-core at every state.
import { test } from "node:test";
import assert from "node:assert/strict";
import { join } from "node:path";
import { withApp, KEY, waitFor, answerFolderDialog } from "./wd.mjs";

const SHOTS = process.env.E2E_SHOTS;
/** The main content of each section: what must start above the fold. */
const MAIN = {
  organigramma: "[data-testid=org-canvas]",
  rischi: "[data-testid=risk-tree]",
  formazione: "[data-testid=month-grid]",
  comuni: "[data-testid=comuni-table]",
};

const top = (app, css) => app.exec("const e = document.querySelector(arguments[0]); return e ? e.getBoundingClientRect().top : null", css);
const focusIs = (app, css, what) =>
  waitFor(() => app.exec("return document.activeElement?.matches(arguments[0]) ?? false", css), what).catch(async (e) => {
    throw new Error(`${e.message}; focus on ${await app.focused()}`);
  });

/** Visible text and accessible names on screen that hold an English word. */
const ENGLISH = /\b(Baseline|Target|report|Export|Import|Print|Delete|Cancel|Save)\b/i;
const englishOnScreen = (app) =>
  app.exec(
    `const english = new RegExp(arguments[0], "i");
     const texts = [document.body.innerText, ...[...document.querySelectorAll('[aria-label],[title]')].map((e) => (e.getAttribute('aria-label') || '') + ' ' + (e.getAttribute('title') || ''))];
     return texts.join('\\n').split('\\n').filter((l) => english.test(l)).slice(0, 5);`,
    ENGLISH.source,
  );

/** Presses a button with the keyboard: focus on it (as Tab would), then Enter. */
async function press(app, css) {
  await app.el(css);
  await waitFor(() => app.exec("const e = document.querySelector(arguments[0]); e.scrollIntoView({ block: 'center' }); e.focus(); return document.activeElement === e", css), `focus on ${css}`);
  await app.keys(KEY.ENTER);
}

/** Opens a section by its Alt+number shortcut (the sidebar may be collapsed). */
async function navByKey(app, section) {
  const sel = `[data-nav="${section}"]`;
  const key = await waitFor(() => app.exec("return document.querySelector(arguments[0])?.getAttribute('aria-keyshortcuts')?.slice(-1) ?? null", sel), `the shortcut of ${section}`);
  await app.chord([KEY.ALT], key);
  await waitFor(() => app.exec("return document.querySelector(arguments[0])?.getAttribute('aria-current') === 'page'", sel), `section ${section}`);
  await app.settled();
}

/** A new event of two hours from 10:00, by the form («Nuovo evento»). */
async function newEvent(app, { mode, title, date, place, link }) {
  await press(app, "[data-testid=new-event]");
  await app.select("#ev-mode", mode);
  await app.typeWhole("#ev-title", title);
  await app.fill("#ev-date", date);
  await app.typeWhole("#ev-start_time", "10:00");
  await app.typeWhole("#ev-end_time", "12:00");
  if (place) await app.typeWhole("#ev-place", place);
  if (link) await app.typeWhole("#ev-link", link);
  await press(app, "[data-testid=event-save]");
  await waitFor(async () => (await app.text("[data-testid=day-panel]")).includes(title), "the event on its day");
}

/** In the event's attendance panel: a new participant, «Presente» ticked, not yet recorded. */
async function newPresent(app, name) {
  await openAttendance(app);
  await app.select("#att-who", "new");
  await app.typeWhole("#att-new-name", name);
  await waitFor(async () => {
    const checked = "return document.querySelector('#att-minutes').closest('form').querySelector('input[type=checkbox]').checked";
    if (await app.exec(checked)) return true;
    await app.exec("document.querySelector('#att-minutes').closest('form').querySelector('input[type=checkbox]').focus()");
    await app.keys(KEY.SPACE);
    return app.exec(checked);
  }, "«Presente» ticked with Space");
}

/** Opens the attendance panel of the event shown in the day's panel, by
 * keyboard: the button is focused once it is drawn (the day's panel is
 * redrawn after a save) and Enter pressed, again if the panel did not open. */
async function openAttendance(app) {
  const button = "[data-testid=day-panel] [data-testid=event-attendance]";
  const panelOpen = () => app.exec("return !!document.querySelector('[data-testid=attendance-panel] #att-who')");
  await waitFor(async () => {
    if (await panelOpen()) return true;
    const focused = await app.exec("const b = document.querySelector(arguments[0]); b?.focus(); return !!b && document.activeElement === b", button);
    if (focused) await app.keys(KEY.ENTER);
    return waitFor(panelOpen, "the attendance panel", 3000).catch(() => false);
  }, "the attendance panel open", 30000);
}

test("main content above the fold at 960×600, sidebar open and collapsed (remembered, by keyboard)", () =>
  withApp(async (app) => {
    await app.resize(960, 600);
    try {
      for (const collapsed of [false, true]) {
        for (const [section, css] of Object.entries(MAIN)) {
          await navByKey(app, section);
          await app.el(css, 15000);
          await app.exec("window.scrollTo(0, 0); return true");
          const y = await top(app, css);
          assert.ok(y !== null && y < 600, `${section}${collapsed ? " (menu ridotto)" : ""}: the main content starts at ${y} px`);
          if (SHOTS) await app.screenshot(join(SHOTS, `960x600-${section}${collapsed ? "-menu-ridotto" : ""}.png`));
        }
        await app.assertAxe(collapsed ? "menu ridotto" : "menu aperto");
        if (!collapsed) {
          // The sidebar reduced by keyboard: its toggle, Enter.
          await app.exec("document.querySelector('[data-testid=sidebar-toggle]').focus()");
          await app.keys(KEY.ENTER);
          await waitFor(() => app.exec("return document.querySelector('[data-testid=sidebar-toggle]').getAttribute('aria-expanded') === 'false'"), "the sidebar collapsed");
          // Remembered: after a reload it opens collapsed.
          await app.exec("location.reload()");
          await waitFor(() => app.exec("return document.querySelector('[data-testid=sidebar-toggle]')?.getAttribute('aria-expanded') === 'false'"), "still collapsed after a reload", 20000);
          // The sections' menu is hidden: sections are reached with Alt+number.
        }
        if (collapsed) break;
      }
    } finally {
      // Leave the sidebar open for the next start of the app.
      await app.exec("const t = document.querySelector('[data-testid=sidebar-toggle]'); if (t && t.getAttribute('aria-expanded') === 'false') t.click(); return true");
    }
  }));

test("Rischi e misure: focus after «Adotta», adopt from a measure's detail for several comuni, no word broken", () =>
  withApp(async (app) => {
    await app.resize(1280, 800);
    await app.nav("rischi");
    await app.el("[data-testid=risk-tree]");
    assert.deepEqual(await app.brokenWords("[data-testid=measure-list]"), [], "catalogue");
    await app.assertAxe("catalogo");
    if (SHOTS) await app.screenshot(join(SHOTS, "1280x800-rischi.png"));

    // A comune's plan: adopt one measure; «Adotta» disables itself, focus goes to the adopted row.
    await press(app, "#tab-piano");
    await app.select("#plan-comune", "Lipari", { byText: true });
    const id = await waitFor(() => app.exec("return document.querySelector('#plan-adopt option:not([value=\"\"])')?.value ?? null"), "a measure to adopt");
    await app.select("#plan-adopt", id);
    await app.exec("document.querySelector('#plan-adopt').focus()");
    await app.keys(KEY.TAB);
    await app.keys(KEY.ENTER);
    await focusIs(app, `[data-testid=plan-table] tr[data-measure="${id}"] [data-testid=monitor]`, "focus on the adopted measure's «Monitoraggio»");
    assert.deepEqual(await app.brokenWords("[data-testid=plan-table]"), [], "plan");
    await app.assertAxe("piano con misura adottata");
    if (SHOTS) await app.screenshot(join(SHOTS, "1280x800-rischi-piano.png"));

    // From a measure's own detail: first with no comune chosen (refused at the list), then two comuni.
    await press(app, "#tab-catalogo");
    await app.el("[data-testid=measure-list]");
    await press(app, `[data-testid=measure-list] tr[data-measure="${id}"] button`);
    await focusIs(app, "#detail-title", "focus on the measure's heading");
    const title = await app.exec("return document.querySelector('#detail-title').textContent.split(' · ').slice(1).join(' · ')");
    await app.exec("document.querySelector('[data-testid=adopt-measure-open]').focus()");
    await app.keys(KEY.ENTER);
    await focusIs(app, "#adopt-m-zone", "focus on the adoption form's first field");
    await press(app, "[data-testid=adopt-measure-go]");
    await waitFor(async () => /Scegliere almeno un comune/.test(await app.text("[data-testid=adopt-measure]")), "no comune: refused");
    await focusIs(app, "[data-testid=adopt-m-comuni] input", "focus on the list of comuni");
    await app.assertAxe("adozione da una misura, errore");
    await app.fill("#adopt-m-filter", "milazzo");
    await waitFor(async () => (await app.exec("return document.querySelectorAll('[data-testid=adopt-m-comuni] input').length")) === 1, "Milazzo alone");
    await app.exec("document.querySelector('[data-testid=adopt-m-comuni] input').focus()");
    await app.keys(KEY.SPACE);
    await app.fill("#adopt-m-filter", "lipari");
    await waitFor(async () => (await app.exec("return document.querySelectorAll('[data-testid=adopt-m-comuni] input').length")) === 1, "Lipari alone");
    await app.exec("document.querySelector('[data-testid=adopt-m-comuni] input').focus()");
    await app.keys(KEY.SPACE);
    await waitFor(async () => /Adotta per 2 comuni/.test(await app.text("[data-testid=adopt-measure-go]")), "two comuni chosen");
    await app.exec("document.querySelector('[data-testid=adopt-measure-go]').focus()");
    await app.keys(KEY.ENTER);
    await waitFor(async () => /1 adozione registrata; 1 era già presente/.test(await app.text("[data-testid=adopt-measure]")), "Milazzo adopted, Lipari already");
    await focusIs(app, "[data-testid=adopted-plans] button", "focus on the first comune's plan");
    await app.assertAxe("adozione da una misura, fatta");
    // The plan one key away.
    await app.exec("[...document.querySelectorAll('[data-testid=adopted-plans] button')].find((b) => b.textContent.includes('Milazzo')).focus()");
    await app.keys(KEY.ENTER);
    await waitFor(async () => (await app.exec("return document.querySelector('[data-testid=plan-table]')?.textContent ?? ''")).includes(title), "Milazzo's plan with the measure");
    assert.equal(await app.value("#plan-comune"), await app.exec("return [...document.querySelectorAll('#plan-comune option')].find((o) => o.textContent.trim() === 'Milazzo').value"));
    await app.assertAxe("piano del comune aperto dalla misura");
    assert.deepEqual(await englishOnScreen(app), []);
  }));

test("Formazione: cancelling an event asks, says who is enrolled, and is undone", () =>
  withApp(async (app) => {
    await app.nav("formazione");
    await app.el("[data-testid=month-grid]");
    await newEvent(app, { mode: "webinar", title: "Il registro degli accessi civici", date: "16/3/2027", link: "https://meet.esempio.it/cdp-accessi" });

    // One person enrolled.
    await openAttendance(app);
    await app.select("#att-who", "new");
    await app.typeWhole("#att-new-name", "Anna Verdi");
    await app.typeWhole("#att-new-ente", "Comune di Milazzo");
    await press(app, "[data-testid=att-enrol]");
    await waitFor(async () => (await app.text("[data-testid=attendance-sheet]")).includes("Anna Verdi"), "Anna enrolled");
    await waitFor(() => app.exec("const b = [...document.querySelectorAll('[data-testid=attendance-panel] button')].find((b) => b.textContent.trim() === 'Chiudi'); b?.focus(); return !!b && document.activeElement === b"), "focus on «Chiudi»");
    await app.keys(KEY.ENTER);
    // The panel gives focus back to what opened it once it is gone: wait for it, so that it does not come after.
    await focusIs(app, "[data-testid=day-panel] [data-testid=event-attendance]", "focus back on «Presenze e attestati»");
    await app.dismissToasts();

    // «Annulla evento» (in the event's «Azioni» menu) asks first; keeping it changes nothing (the mistake), focus back on the menu.
    const actions = "[data-testid=day-panel] [data-testid=event-actions]";
    const cancel = "[data-testid=day-panel] [data-testid=event-cancel]";
    const chooseCancel = async () => {
      await app.keys(KEY.ENTER);
      await focusIs(app, "[data-testid=day-panel] [data-testid=event-edit]", "the menu open on its first item");
      await app.keys(KEY.DOWN, KEY.DOWN);
      await focusIs(app, cancel, "«Annulla evento» in the menu");
      await app.keys(KEY.ENTER);
    };
    await app.exec("document.querySelector(arguments[0]).focus()", actions);
    await chooseCancel();
    await app.el("[data-testid=cancel-event-dialog][open]");
    const said = await app.text("[data-testid=cancel-event-dialog]");
    assert.match(said, /1 iscritto da avvisare/);
    assert.match(said, /Anna Verdi/);
    assert.match(said, /Si può ripristinare con «Ripristina»/);
    await focusIs(app, "[data-testid=cancel-event-dialog] [data-testid=confirm-yes]", "focus on the action");
    await app.assertAxe("conferma dell'annullamento");
    if (SHOTS) await app.screenshot(join(SHOTS, "1280x800-formazione-annulla.png"));
    await app.keys(KEY.ESCAPE);
    await focusIs(app, actions, "Escape: focus back on the event's «Azioni»");
    assert.doesNotMatch(await app.text("[data-testid=day-panel]"), /Annullato/);

    // Now cancelled: the event stays, marked; focus on «Ripristina».
    await chooseCancel();
    await app.el("[data-testid=cancel-event-dialog][open]");
    await focusIs(app, "[data-testid=cancel-event-dialog] [data-testid=confirm-yes]", "focus on the action");
    await app.keys(KEY.ENTER);
    await waitFor(async () => (await app.text("[data-testid=day-panel]")).includes("Annullato"), "the event cancelled");
    await focusIs(app, "[data-testid=day-panel] [data-testid=event-restore]", "focus on «Ripristina»");
    await app.assertAxe("evento annullato");

    // Undone: back to «Programmato», focus on the event's «Azioni» again.
    await app.keys(KEY.ENTER);
    await waitFor(async () => !(await app.text("[data-testid=day-panel]")).includes("Annullato"), "the event restored");
    assert.match(await app.text("[data-testid=day-panel]"), /Programmato/);
    await focusIs(app, actions, "focus on «Azioni»");
    await app.assertAxe("evento ripristinato");
    assert.deepEqual(await englishOnScreen(app), []);
  }));

test("Formazione: no unsaved question after issuing attestati", () =>
  withApp(async (app) => {
    // No attestato is issued unsigned: the signatory is named in Impostazioni first.
    await app.nav("impostazioni");
    await waitFor(async () => (await app.value("#s-operator")) !== "", "the settings loaded");
    await app.typeWhole("#s-signatory_name", "Maria Rossi");
    await press(app, "form.card-form button[type=submit]");
    await waitFor(async () => (await app.text("body")).includes("Impostazioni salvate."), "the settings saved");
    await app.dismissToasts();
    await app.nav("formazione");
    await newEvent(app, { mode: "presenza", title: "Incontro dei RPCT della zona tirrenica", date: "2/2/2026", place: "Palazzo dei Leoni, Messina" });
    await newPresent(app, "Paolo Neri");
    await press(app, "[data-testid=att-add]");
    await waitFor(async () => /Paolo Neri\s*—\s*presente/.test(await app.text("[data-testid=attendance-sheet]")), "Paolo present");
    const dir = app.dir;
    await app.dismissToasts();
    await app.typeWhole("#att-issue-date", "03/02/2026");
    await app.assertAxe("presenza registrata");
    await press(app, "[data-testid=att-certificates]");
    answerFolderDialog("Scegli la cartella in cui salvare gli attestati", dir);
    await waitFor(async () => /n\. 2026\/0001/.test(await app.text("[data-testid=attendance-sheet]")), "the attestato numbered");
    await app.assertAxe("attestati rilasciati");
    // Escape closes the panel without asking (nothing unsaved), and Alt+1 leaves without asking.
    await app.exec("document.querySelector('#att-title').focus()");
    await app.keys(KEY.ESCAPE);
    assert.equal(await app.alertText(), null, "no question on Escape");
    await waitFor(async () => !(await app.exec("return !!document.querySelector('[data-testid=attendance-panel]')")), "the panel closed");
    await app.assertAxe("pannello delle presenze chiuso");
    await app.chord([KEY.ALT], "1");
    assert.equal(await app.alertText(), null, "no question on leaving");
    await waitFor(async () => (await app.text("main h1")) === "Cruscotto", "the Cruscotto, without a question");
  }));

test("Formazione: attendance for an event not yet held is refused, in Italian", () =>
  withApp(async (app) => {
    await app.nav("formazione");
    await newEvent(app, { mode: "presenza", title: "Il whistleblowing nei comuni", date: "16/3/2030", place: "Palazzo dei Leoni, Messina" });
    await newPresent(app, "Carla Bruno");
    await app.exec("document.querySelector('[data-testid=att-add]').focus()");
    await app.keys(KEY.ENTER);
    const refused = "L'evento non si è ancora svolto: presenze e attestati si registrano dal giorno dell'evento (16/03/2030).";
    await waitFor(async () => (await app.text("[data-testid=attendance-panel]")).includes(refused), "the refusal, in Italian");
    assert.doesNotMatch(await app.text("[data-testid=attendance-panel]"), /Carla Bruno\s*—\s*presente/, "nothing recorded");
    await app.assertAxe("presenza rifiutata per un evento futuro");
    assert.deepEqual(await englishOnScreen(app), []);
  }));

test("Formazione: «Elimina» on an unused theme area asks, says how to get it back, and keeps it on Escape", () =>
  withApp(async (app) => {
    const name = "Etica pubblica e integrità";
    await app.nav("formazione");
    await press(app, "[data-testid=view-themes]");
    await app.typeWhole("#theme-new", name);
    await app.keys(KEY.ENTER);
    const del = `[data-testid=themes-table] button[aria-label="Elimina l'area «${name}»"]`;
    await app.el(del);
    await app.exec("document.querySelector(arguments[0]).focus()", del);
    await app.keys(KEY.ENTER);
    await app.el("[data-testid=theme-delete-dialog][open]");
    const said = await app.text("[data-testid=theme-delete-dialog]");
    assert.match(said, /non è usata da nessun evento/);
    assert.match(said, /Per riaverla, aggiungerla di nuovo/);
    await focusIs(app, "[data-testid=theme-delete-dialog] [data-testid=confirm-yes]", "focus on «Elimina l'area»");
    await app.assertAxe("conferma dell'eliminazione di un'area tematica");
    await app.keys(KEY.ESCAPE);
    await focusIs(app, del, "Escape: focus back on «Elimina»");
    assert.match(await app.text("[data-testid=themes-table]"), new RegExp(name));
    await app.keys(KEY.ENTER);
    await focusIs(app, "[data-testid=theme-delete-dialog] [data-testid=confirm-yes]", "focus on «Elimina l'area»");
    await app.keys(KEY.ENTER);
    await waitFor(async () => !(await app.text("[data-testid=themes-table]")).includes(name), "the area removed");
    await focusIs(app, "#theme-new", "focus on «Nuova area tematica»");
  }));

test("no word broken in the register of adhesions, at 1280×800 and 960×600", () =>
  withApp(async (app) => {
    for (const [w, h] of [[1280, 800], [960, 600]]) {
      await app.resize(w, h);
      await app.nav("adesioni");
      await app.el("[data-testid=adh-table]");
      assert.deepEqual(await app.brokenWords("[data-testid=adh-table]"), [], `register at ${w}×${h}`);
      assert.deepEqual(await app.brokenWords("[data-testid=stalled-table]"), [], `to remind at ${w}×${h}`);
    }
    await app.assertAxe("registro delle adesioni");
  }));

test("Organigramma: the tree opens fitted to its frame, its boxes in the app's font", () =>
  withApp(async (app) => {
    for (const [w, h] of [[1280, 800], [960, 600]]) {
      await app.resize(w, h);
      await navByKey(app, "organigramma");
      await app.el("[data-testid=org-canvas] [role=treeitem]", 15000);
      await app.exec("return document.fonts.ready.then(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(() => r(true)))))");
      // Nothing cut off on the right: the drawing is not wider than its frame.
      const [drawn, frame] = await app.exec("const c = document.querySelector('[data-testid=org-canvas]'); return [c.querySelector('svg').getBoundingClientRect().width, c.clientWidth]");
      assert.ok(drawn <= frame, `${w}×${h}: the tree (${drawn} px) fits its frame (${frame} px)`);
      assert.ok(await app.exec("const c = document.querySelector('[data-testid=org-canvas]'); return c.scrollWidth <= c.clientWidth"), `${w}×${h}: no sideways scrolling`);
      // The boxes' text in the app's font, every line inside its box.
      const family = (css) => `return [...new Set([...document.querySelectorAll(${JSON.stringify(css)})].map((e) => getComputedStyle(e).fontFamily.split(',')[0].replace(/["']/g, '').trim()))]`;
      assert.deepEqual(await app.exec(family("[data-testid=org-canvas] [role=treeitem] > text")), await app.exec(family("body")), "the app's font");
      const outside = await app.exec(`return [...document.querySelectorAll('[data-testid=org-canvas] [role=treeitem]')].flatMap((g) => {
        const box = g.querySelector('rect').getBoundingClientRect();
        return [...g.querySelectorAll(':scope > text')].filter((t) => { const r = t.getBoundingClientRect(); return r.left < box.left - 0.5 || r.right > box.right + 0.5; }).map((t) => t.textContent.trim());
      }).slice(0, 5)`);
      assert.deepEqual(outside, [], `${w}×${h}: lines running out of their boxes`);
      await app.assertAxe(`organigramma ${w}×${h}`);
      if (SHOTS) await app.screenshot(join(SHOTS, `${w}x${h}-organigramma-albero.png`));
    }
  }));

test("no English word on any section (text, labels, titles)", () =>
  withApp(async (app) => {
    const sections = await app.exec("return [...document.querySelectorAll('[data-nav]')].map((b) => b.dataset.nav)");
    // Every section of the sidebar, the last ones added included.
    assert.equal(sections.length, 13, sections.join(", "));
    assert.ok(sections.includes("comunicazioni") && sections.includes("fineanno"), sections.join(", "));
    for (const s of sections) {
      await app.nav(s);
      await waitFor(async () => (await app.text("h1")).length > 0, `the heading of ${s}`);
      assert.deepEqual(await englishOnScreen(app), [], s);
      // The about screen says which version this is (it said «Versione .» when loaded on demand without it).
      if (s === "informazioni") assert.match(await app.text("main"), /Versione \d+\.\d+\.\d+\./);
    }
  }));
