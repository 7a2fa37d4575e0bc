// Formazione e incontri through the real app: a monthly webinar series with
// a mistake (end before start, shown at the field), the month grid by
// keyboard, one date moved, one event cancelled, the calendar exported as
// ICS through the save dialog and read back by python's icalendar.
import { test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { App, KEY, answerFolderDialog, answerSaveDialog, waitFor } from "./wd.mjs";

const SHOTS = process.env.E2E_SHOTS;

/** Clicks `css` after scrolling it to the middle of the window (a long page). */
async function clickCentred(app, css) {
  await app.el(css);
  await app.exec("document.querySelector(arguments[0]).scrollIntoView({ block: 'center' })", css);
  await app.click(css);
}

test("a monthly webinar series: created, one moved, one cancelled, exported as ICS", async () => {
  const app = await App.start();
  const dir = mkdtempSync(join(tmpdir(), "cdp-training-"));
  try {
    // No attestato is issued unsigned: the signatory is named in Impostazioni first.
    await app.nav("impostazioni");
    await waitFor(async () => (await app.value("#s-operator")) !== "", "the settings loaded");
    await app.typeWhole("#s-signatory_name", "Maria Rossi");
    await app.click("form.card-form button[type=submit]");
    await waitFor(async () => (await app.text("body")).includes("Impostazioni salvate."), "the settings saved");
    await app.dismissToasts();
    await app.nav("formazione");
    assert.equal(await app.text("h1"), "Formazione e incontri");
    await app.el("[data-testid=month-grid]");
    await app.assertAxe("formazione, mese vuoto");

    // The form: a series of three webinars on the second Tuesday, with the
    // end time typed before the start time.
    await app.click("[data-testid=new-event]");
    await waitFor(async () => (await app.focused()).startsWith("select#ev-kind"), "focus on the form's first field");
    await app.select("#ev-mode", "webinar");
    await app.select("#ev-theme_id", "Anticorruzione e Trasparenza", { byText: true });
    await app.typeWhole("#ev-title", "Il PIAO e la sezione Rischi corruttivi e trasparenza");
    await app.fill("#ev-date", "9/3/2027");
    await app.typeWhole("#ev-start_time", "10:00");
    await app.typeWhole("#ev-end_time", "09:00");
    await app.typeWhole("#ev-link", "https://meet.esempio.it/cdp-piao");
    await app.typeWhole("#ev-speakers", "Dott.ssa Maria Rossi");
    await app.select("#ev-level", "generale");
    await app.select("#ev-repeat", "monthly_weekday");
    await app.typeWhole("#ev-count", "3");
    await waitFor(async () => (await app.exec("return document.querySelectorAll('[data-testid=series-preview] li').length")) === 3, "three dates previewed");
    const preview = await app.text("[data-testid=series-preview]");
    assert.match(preview, /martedì 09\/03\/2027/);
    assert.match(preview, /martedì 13\/04\/2027/);
    assert.match(preview, /martedì 11\/05\/2027/);
    if (SHOTS) await app.screenshot(join(SHOTS, "formazione-serie.png"));
    await app.click("[data-testid=event-save]");
    await waitFor(async () => (await app.exec("return document.querySelector('[data-error-for=ev-end_time]')?.textContent ?? ''")).includes("successiva all'ora di inizio (10:00)"), "the error at the end time");
    await waitFor(async () => (await app.focused()).startsWith("input#ev-end_time"), "focus on the wrong field");
    assert.equal(await app.exec("return document.querySelector('#ev-end_time').getAttribute('aria-invalid')"), "true");
    await app.assertAxe("modulo evento con errore");
    await app.typeWhole("#ev-end_time", "13:00");
    await app.click("[data-testid=event-save]");
    await waitFor(async () => !(await app.exec("return !!document.querySelector('[data-testid=event-form]')")), "the form closed");
    await waitFor(async () => (await app.text("#month-title")) === "Marzo 2027", "the month of the first date");
    await waitFor(async () => (await app.text("[data-testid=day-panel]")).includes("Il PIAO e la sezione"), "the day shown");
    await app.assertAxe("mese con eventi");
    if (SHOTS) await app.screenshot(join(SHOTS, "formazione-mese.png"));

    // The grid by keyboard: one tab stop, arrows between days, Enter opens the day.
    await app.exec("document.querySelector('[data-testid=month-grid] [data-day=\"2027-03-09\"]').focus()");
    await app.keys(KEY.RIGHT);
    await waitFor(async () => (await app.exec("return document.activeElement.dataset.day")) === "2027-03-10", "right arrow: the next day");
    await app.keys(KEY.DOWN);
    await waitFor(async () => (await app.exec("return document.activeElement.dataset.day")) === "2027-03-17", "down arrow: a week later");
    assert.equal(await app.exec("return document.querySelectorAll('[data-testid=month-grid] [role=gridcell][tabindex=\"0\"]').length"), 1);
    await app.keys(KEY.PAGE_DOWN);
    await waitFor(async () => (await app.text("#month-title")) === "Aprile 2027", "PageDown: the next month");
    await waitFor(async () => (await app.exec("return document.activeElement.dataset.day")) === "2027-04-17", "same day of the next month");
    await app.keys(KEY.UP, KEY.LEFT, KEY.LEFT, KEY.LEFT, KEY.LEFT);
    await waitFor(async () => (await app.exec("return document.activeElement.dataset.day")) === "2027-04-06", "back to 6 April");
    // Easter Monday 2027 (29 March) is shaded: it shows in the grid of April's first week.
    assert.match(await app.exec("return document.querySelector('[data-day=\"2027-03-29\"]').textContent"), /Pasquetta/);
    await app.keys(KEY.RIGHT, KEY.RIGHT, KEY.RIGHT, KEY.RIGHT, KEY.RIGHT, KEY.RIGHT, KEY.RIGHT);
    await waitFor(async () => (await app.exec("return document.activeElement.dataset.day")) === "2027-04-13", "13 April");
    await app.keys(KEY.ENTER);
    await waitFor(async () => (await app.focused()).startsWith("h2#day-title"), "Enter: focus on the day");
    assert.match(await app.text("#day-title"), /martedì 13 aprile 2027/);

    // Move the April webinar to Wednesday 14.
    await app.dismissToasts();
    await clickCentred(app, "[data-testid=day-panel] [data-testid=event-move]");
    await app.fill("#mv-date", "14/04/2027");
    await clickCentred(app, "[data-testid=move-save]");
    await waitFor(async () => (await app.text("#day-title")).includes("mercoledì 14 aprile 2027"), "the moved event's day");
    assert.match(await app.text("[data-testid=day-panel]"), /10:00–13:00/);

    // The list of the quarter; cancel the May webinar.
    await clickCentred(app, "[data-testid=view-list]");
    await app.fill("#f-from", "01/03/2027");
    await app.fill("#f-to", "31/05/2027");
    await app.clickText("Aggiorna");
    await waitFor(async () => (await app.exec("return document.querySelectorAll('[data-testid=event-list] [data-testid=event-item]').length")) === 3, "three events in the quarter");
    const dates = await app.text("[data-testid=event-list]");
    assert.match(dates, /martedì 9 marzo 2027/);
    assert.match(dates, /mercoledì 14 aprile 2027/);
    await app.dismissToasts();
    const cancel = "[data-testid=event-list] [data-testid=event-item]:nth-child(3) [data-testid=event-cancel]";
    await clickCentred(app, cancel);
    // Cancelling asks first (what happens, how to undo it).
    await app.el("[data-testid=cancel-event-dialog][open]");
    await app.click("[data-testid=cancel-event-dialog] [data-testid=confirm-yes]");
    await waitFor(async () => (await app.text("[data-testid=event-list] [data-testid=event-item]:nth-child(3)")).includes("Annullato"), "the May webinar cancelled");
    await app.assertAxe("elenco con evento annullato");
    if (SHOTS) await app.screenshot(join(SHOTS, "formazione-elenco.png"));

    // The quarter printed through the save dialog: month grids and programme.
    await clickCentred(app, "[data-testid=print]");
    await app.el("[data-testid=print-form]");
    await app.fill("#pr-from", "01/03/2027");
    await app.fill("#pr-to", "28/02/2027");
    await app.click("[data-testid=print-save]");
    await waitFor(async () => (await app.exec("return document.querySelector('[data-error-for=pr-to]')?.textContent ?? ''")).includes("precede"), "the period's error at its field");
    await app.fill("#pr-to", "31/05/2027");
    await app.assertAxe("stampa del calendario");
    const pdf = join(dir, "trimestre.pdf");
    await app.click("[data-testid=print-save]");
    answerSaveDialog("Salva il calendario della formazione", pdf);
    await waitFor(() => existsSync(pdf), "the calendar written");
    await waitFor(async () => !(await app.exec("return !!document.querySelector('[data-testid=print-form]')")), "the print form closed");
    const text = execFileSync("pdftotext", ["-layout", pdf, "-"]).toString();
    for (const m of ["Marzo 2027", "Aprile 2027", "Maggio 2027", "Programma formativo", "Città Metropolitana di Messina"]) assert.ok(text.includes(m), m);
    assert.match(text, /ANN\./, "the cancelled event marked in the grid");
    const flat = execFileSync("pdftotext", [pdf, "-"]).toString().replace(/\s+/g, " ");
    assert.match(flat, /mercoledì 14 aprile 2027/);
    execFileSync("qpdf", ["--check", pdf]);

    // The quarter as ICS through the save dialog, read by python's icalendar.
    const ics = join(dir, "trimestre.ics");
    await app.dismissToasts();
    await clickCentred(app, "[data-testid=export-ics]");
    answerSaveDialog("Esporta il calendario", ics);
    await waitFor(() => existsSync(ics), "the ICS written");
    const rows = execFileSync("/usr/bin/python3", ["-c", `
import sys, icalendar
cal = icalendar.Calendar.from_ical(open(sys.argv[1], 'rb').read())
for e in cal.walk('VEVENT'):
    print(e.decoded('DTSTART').isoformat(), e['SEQUENCE'], e.get('STATUS'))
`, ics]).toString().trim().split("\n");
    assert.deepEqual(rows, [
      "2027-03-09T09:00:00+00:00 0 TENTATIVE",
      "2027-04-14T08:00:00+00:00 1 TENTATIVE",
      "2027-05-11T08:00:00+00:00 1 CANCELLED",
    ]);

    // Attendance of the March webinar: one participant typed by hand, then
    // a Zoom report where Mario is matched by e-mail (two joins) and one
    // row is unmatched, resolved by hand as a new participant.
    await clickCentred(app, "[data-testid=event-list] [data-testid=event-item]:nth-child(1) [data-testid=event-attendance]");
    await waitFor(async () => (await app.focused()).startsWith("h2#att-title"), "focus on the attendance panel");
    await app.select("#att-who", "new");
    await app.typeWhole("#att-new-name", "Mario Rossi");
    await app.typeWhole("#att-new-ente", "Comune di Alì Terme");
    await app.typeWhole("#att-new-email", "mario.rossi@comune.esempio.it");
    await app.typeWhole("#att-minutes", "0");
    await app.exec("document.querySelector('#att-minutes').closest('form').querySelector('input[type=checkbox]').click()");
    await clickCentred(app, "[data-testid=att-add]");
    await waitFor(async () => (await app.text("[data-testid=attendance-sheet]")).includes("Mario Rossi"), "Mario on the sheet");
    const csv = join(dir, "zoom.csv");
    writeFileSync(csv, [
      "Name (Original Name),User Email,Join Time,Leave Time,Duration (Minutes),Guest",
      "Mario Rossi (Mario),mario.rossi@comune.esempio.it,03/09/2027 09:58:00 AM,03/09/2027 11:30:00 AM,92,No",
      "Mario Rossi (Mario),mario.rossi@comune.esempio.it,03/09/2027 11:20:00 AM,03/09/2027 01:00:00 PM,100,No",
      "Lucia Bianchi,lucia.bianchi@comune.esempio.it,03/09/2027 10:05:00 AM,03/09/2027 12:55:00 PM,170,Yes",
      "",
    ].join("\r\n"));
    await app.dismissToasts();
    await clickCentred(app, "[data-testid=att-import]");
    answerFolderDialog("Importa il rapporto delle presenze", csv);
    await waitFor(async () => (await app.focused()).startsWith("h3#report-title"), "the dry run shown");
    assert.match(await app.text("[data-testid=report-counts]"), /1 persona abbinata, 1 non abbinata, nessuna ambigua/);
    await app.assertAxe("verifica del rapporto delle presenze");
    if (SHOTS) await app.screenshot(join(SHOTS, "formazione-report.png"));
    await app.select("[data-testid=resolution]", "new");
    await clickCentred(app, "[data-testid=report-apply]");
    await waitFor(async () => (await app.text("[data-testid=attendance-sheet]")).includes("Lucia Bianchi"), "Lucia added");
    const sheet = await app.text("[data-testid=attendance-sheet]");
    assert.match(sheet, /Mario Rossi\s*Comune di Alì Terme\s*presente\s*180\s*Zoom/);
    assert.match(sheet, /Lucia Bianchi\s*—\s*presente\s*170\s*Zoom/);

    // The attestati of the present participants, numbered in the register,
    // saved as PDF into a folder chosen in the dialog.
    // The issue date is the one typed: first, by mistake, the day before the
    // event (refused before the folder is asked, nothing numbered), then the day after it.
    const attDir = dir;
    await app.dismissToasts();
    await app.fill("#att-issue-date", "08/03/2027");
    await clickCentred(app, "[data-testid=att-certificates]");
    await waitFor(async () => (await app.text("body")).includes("prima che l'evento si sia concluso"), "an attestato before the event refused");
    assert.ok(!readdirSync(attDir).some((f) => f.startsWith("Attestato_")));
    await app.dismissToasts();
    await app.fill("#att-issue-date", "10/03/2027");
    await clickCentred(app, "[data-testid=att-certificates]");
    answerFolderDialog("Scegli la cartella in cui salvare gli attestati", attDir);
    const year = 2027;
    await waitFor(async () => (await app.text("[data-testid=attendance-sheet]")).includes(`n. ${year}/0002`), "two attestati numbered").catch(async (e) => {
      if (SHOTS) await app.screenshot(join(SHOTS, "debug.png"));
      throw e;
    });
    assert.match(await app.text("[data-testid=attendance-sheet]"), new RegExp(`Lucia Bianchi.*n\\. ${year}/0001`));
    const files = readdirSync(attDir).filter((f) => f.startsWith("Attestato_")).sort();
    assert.deepEqual(files, [`Attestato_${year}-0001_partecipazione_Lucia_Bianchi.pdf`, `Attestato_${year}-0002_partecipazione_Mario_Rossi.pdf`]);
    const att = execFileSync("pdftotext", [join(attDir, files[1]), "-"]).toString().replace(/\s+/g, " ");
    assert.match(att, /ATTESTATO DI PARTECIPAZIONE/);
    assert.match(att, new RegExp(`n\\. ${year}/0002`));
    assert.match(att, /Mario Rossi/);
    assert.match(att, /martedì 9 marzo 2027/);
    assert.match(att, /Messina, 10 marzo 2027/);
    assert.match(att, /Codice di verifica: [0-9A-Z]{5}-[0-9A-Z]{5}/);
    assert.match(await app.text("[data-testid=certificates]"), new RegExp(`${year}/0002\\s*Mario Rossi\\s*3`));
    await app.assertAxe("presenze con attestati");
    if (SHOTS) await app.screenshot(join(SHOTS, "formazione-presenze.png"));

    // The participants: Lucia's data completed, a wrong e-mail refused at its field.
    await clickCentred(app, "[data-testid=view-participants]");
    await app.typeWhole("#pp-filter", "lucia");
    await waitFor(async () => (await app.exec("return document.querySelectorAll('[data-testid=participants] tbody tr').length")) === 1, "Lucia alone");
    await app.clickText("Correggi", "[data-testid=participants] button");
    await app.typeWhole("#pp-ente", "Comune di Capo d'Orlando");
    await app.typeWhole("#pp-email", "lucia.bianchi@");
    await app.clickText("Salva");
    await waitFor(async () => (await app.focused()).startsWith("input#pp-email"), "focus on the wrong e-mail");
    await app.assertAxe("partecipante con errore");
    await app.typeWhole("#pp-email", "lucia.bianchi@comune.capodorlando.me.it");
    await app.clickText("Salva");
    await waitFor(async () => (await app.text("[data-testid=participants]")).includes("Comune di Capo d'Orlando"), "Lucia's ente saved");

    // The hours of 2027 against the yearly target, and the theme areas as data.
    await clickCentred(app, "[data-testid=view-hours]");
    await app.select("#hours-year", "2027");
    await waitFor(async () => /Mario Rossi\s*Comune di Alì Terme\s*1\s*3\s*sotto \(40 ore\)/.test(await app.text("[data-testid=hours-people]")), "Mario's 3 hours of 40");
    await app.assertAxe("ore di formazione");
    if (SHOTS) await app.screenshot(join(SHOTS, "formazione-ore.png"));
    await clickCentred(app, "[data-testid=view-themes]");
    await app.typeWhole("#theme-new", "privacy");
    await app.clickText("Aggiungi");
    await waitFor(async () => /Esiste già un'area tematica «privacy»/.test(await app.text("[data-testid=themes-panel]")), "a duplicate theme refused at its field");
    await app.typeWhole("#theme-new", "Whistleblowing e segnalazioni");
    await app.clickText("Aggiungi");
    await waitFor(async () => (await app.text("[data-testid=themes-panel] table")).includes("Whistleblowing e segnalazioni"), "the new theme listed");
    await app.assertAxe("aree tematiche");

    // The training needs: one comune's scheda (a mistake at a field first),
    // the ranking, the blank form through the save dialog.
    await clickCentred(app, "[data-testid=view-survey]");
    const istat = await app.select("#sv-istat", "Alì Terme", { byText: true });
    await app.el("[data-testid=survey-form]");
    await app.select("#sv-priority-2", "5");
    await app.typeWhole("#sv-staff-2", "tanti");
    await app.select("#sv-priority-1", "3");
    await app.typeWhole("#sv-staff-1", "4");
    await clickCentred(app, "[data-testid=survey-save]");
    await waitFor(async () => (await app.focused()).startsWith("input#sv-staff-2"), "focus on the wrong staff number");
    assert.match(await app.text("[data-testid=survey-form]"), /«tanti» non è un numero intero/);
    await app.typeWhole("#sv-staff-2", "12");
    await clickCentred(app, "[data-testid=survey-save]");
    await waitFor(async () => /1\s*Contratti\s*1\s*12\s*5,0\s*60/.test(await app.text("[data-testid=survey-ranking]")), "Contratti first in the ranking");
    assert.ok(istat);
    await app.assertAxe("fabbisogni formativi");
    if (SHOTS) await app.screenshot(join(SHOTS, "formazione-fabbisogni.png"));
    const blank = join(dir, "scheda.pdf");
    await app.dismissToasts();
    await app.clickText("Scheda vuota da inviare (PDF)");
    answerSaveDialog("Salva la scheda di rilevazione", blank);
    await waitFor(() => existsSync(blank), "the blank scheda written");
    assert.match(execFileSync("pdftotext", [blank, "-"]).toString(), /Scheda di rilevazione dei fabbisogni formativi/);
  } finally {
    await app.quit();
  }
});
