// Requests that come back, through the real window and with the keyboard
// alone (focus, Enter, Space, arrows): a «richiesta di scheda» of the
// monitoring of the measures sent to three comuni through the local SMTP
// server (python3-aiosmtpd, STARTTLS), each with its own workbook; two
// workbooks answered as a comune does (cells typed, the file saved again)
// and imported, one with a conflict shown in the dry run; the third comune
// reminded with «Sollecita chi non ha risposto». axe at each state.
import { test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { join, resolve } from "node:path";
import { withApp, waitFor, answerFolderDialog, KEY } from "./wd.mjs";
import { smtpServer, press, menuItem } from "./mail.mjs";

const SHOTS = process.env.E2E_SHOTS;
const SCHEDA = resolve("tests/e2e/scheda.py");

test("Richiesta di scheda: sent to three comuni with their own workbook, two returned (one with a conflict), the third reminded", () =>
  withApp(async (app) => {
    const server = await smtpServer(app.dir);
    const invoke = (cmd, args = {}) => app.exec("return window.__TAURI_INTERNALS__.invoke(arguments[0], arguments[1])", cmd, args);
    try {
      // What the archive holds before the request (set up through the commands):
      // three comuni of Alì's zone with their RPCT, one measure adopted by each.
      const ali = await invoke("registry_get_comune", { istat: "083002" });
      const inZone = await invoke("registry_list_comuni", { query: { zone: String(ali.zone_id) } });
      const three = inZone.slice(0, 3);
      for (const [i, c] of three.entries()) {
        await invoke("registry_add_referent", { istat: c.istat, input: { role: "rpct", full_name: `Referente ${["Anna", "Bruno", "Carla"][i]} ${c.name}`, email: `rpct.${c.istat}@pec.comune.test.it`, valid_from: "2024-01-01" } });
      }
      const voc = await invoke("risks_vocabulary");
      const proc = await invoke("risks_create_process", { input: { area_id: voc.areas[0].id, name: "Controllo degli atti", phases: ["Estrazione", "Verifica"], office: "Segreteria", simplified: false } });
      const ev = await invoke("risks_create_event", { input: { process_id: proc.id, description: "Atti adottati senza verifica di regolarità" } });
      const indicator = { name: "Atti controllati sul totale", kind: "percentuale", baseline: "0", baseline_date: "2026-12-31", target: "100", target_date: "2027-12-31" };
      const m = await invoke("risks_create_measure", { input: { title: "Controllo successivo di regolarità amministrativa a campione", general: false, type_code: voc.measure_types[0].code, description: "Estrazione e verifica degli atti.", events: [ev.id], responsabili: ["Segretario comunale"], phases: [{ description: "Estrazione trimestrale", due: "2027-09-30" }], indicators: [indicator], expected: "Tutti gli atti estratti verificati." } });
      await invoke("risks_adopt_measures", { istat: three.map((c) => c.istat), measureIds: [m.id], adjust: {} });
      await invoke("comms_save_smtp_settings", { settings: { host: "127.0.0.1", port: server.port, security: "starttls", user: "segreteria", from_address: "segreteria@pec.cittametropolitana.me.it", from_name: "Segreteria Generale", ca_file: server.ca, password_saved: false, updated_at: "" }, password: "Pàssword-di-prova" });

      // The request: kind, object, text, the monitoring scheda to return.
      await app.nav("comunicazioni");
      await press(app, "[data-testid=comms-new]");
      await app.el("#compose-subject");
      await app.select("#compose-kind", "richiesta_scheda");
      await app.typeWhole("#compose-subject", "Monitoraggio delle misure di prevenzione – primo semestre 2027");
      await app.fill("#compose-body", "Al {{ rpct }}, RPCT del Comune di {{ comune.nome }}.\n\nSi chiede di restituire entro il 30 giugno 2027, in risposta a questa PEC, la scheda allegata compilata.");
      await app.typeWhole("#compose-protocol", "2027/0456");
      await app.select("#compose-generated", "scheda_monitoraggio");
      await press(app, "[data-testid=compose-save]");
      await app.el("[data-testid=request-panel]");
      await waitFor(() => app.exec("return !document.querySelector('[data-testid=compose]').open"), "the compose dialog closed");
      // The focus back on the dialog's opener before the next keys.
      await waitFor(() => app.exec("return document.activeElement?.dataset.testid === 'comms-new'"), "the focus back on «Nuova comunicazione»");
      await app.settled();
      await app.dismissToasts();

      // Its recipients: the RPCT of the zone (the three with an address).
      await menuItem(app, "comm-actions", "comm-recipients");
      await app.el("[data-testid=recipients-preview]");
      const zoneBox = `[data-zone="${ali.zone_name}"]`;
      await press(app, zoneBox, KEY.SPACE);
      await press(app, "[data-testid=recipients-preview]");
      await app.el("[data-testid=recipients-preview-table]");
      await press(app, "[data-testid=recipients-save]");
      await waitFor(async () => /Referente Anna/.test(await app.text("[data-testid=comm-recipients-table]")), "recipients saved");
      await app.assertAxe("Comunicazioni › Richiesta di scheda");

      // Sent: one message per comune, each with its own workbook.
      await press(app, "[data-testid=comm-send]");
      await app.el("[data-testid=send-report]", 60000);
      assert.match(await app.text("[data-testid=send-report]"), /^Inviati 3\./);
      await app.keys(KEY.ESCAPE);
      const sent = server.received();
      assert.equal(sent.length, 3);
      const eml = {};
      sent.forEach((msg, i) => {
        const c = three.find((x) => msg.rcpt[0] === `rpct.${x.istat}@pec.comune.test.it`);
        assert.ok(c, "each message to one of the three");
        assert.equal(msg.attachments.length, 1);
        assert.match(msg.attachments[0].name, /^Scheda_monitoraggio_misure_2027_.+\.xlsx$/);
        eml[c.istat] = join(server.out, `${String(i + 1).padStart(5, "0")}.eml`);
      });
      await waitFor(async () => /0 comuni su 3 hanno restituito la scheda/.test(await app.text("[data-testid=request-count]")), "none returned yet");

      // The first comune answers: the measure «attuata» on 10 June.
      const [a, b, c] = three;
      const fileA = join(app.dir, "scheda-a.xlsx");
      execFileSync("/usr/bin/python3", [SCHEDA, eml[a.istat], fileA, "C8=attuata", "D8=10/06/2027", "E8=Controllo svolto su tutti gli atti estratti."]);
      await press(app, "[data-testid=request-import]");
      answerFolderDialog("Importa le schede restituite", fileA);
      await app.el("[data-testid=return-0]", 15000);
      assert.match(await app.text("[data-testid=return-summary-0]"), /^3 valori cambiano, 0 in conflitto/);
      assert.match(await app.text("[data-testid=return-changes-0]"), /C8[\s\S]*da avviare[\s\S]*attuata/);
      await app.assertAxe("Comunicazioni › Schede restituite (dry run)");
      if (SHOTS) await app.screenshot(join(SHOTS, "comunicazioni-scheda-restituita.png"));
      await press(app, "[data-testid=return-apply-0]");
      await app.el("[data-testid=return-confirm]");
      await app.assertAxe("Comunicazioni › Schede restituite (conferma)");
      await app.keys(KEY.ENTER);
      await app.el("[data-testid=return-done-0]", 15000);
      await press(app, "[data-testid=returns-close]");
      await waitFor(async () => /Scheda ricevuta il 15\/06\/2027/.test(await app.text("[data-testid=comm-recipients-table]")), "the first comune's line: scheda ricevuta");
      const planA = await invoke("risks_plan", { istat: a.istat });
      assert.equal(planA.adoptions[0].state, "attuata");

      // The second: since the request the secretariat recorded «in corso»;
      // the comune answers «attuata»: a conflict, the file's value taken.
      const planB = await invoke("risks_plan", { istat: b.istat });
      await invoke("risks_record_monitoring", { adoptionId: planB.adoptions[0].id, input: { date: "2027-06-12", state: "in_corso", motivazione: "" } });
      const fileB = join(app.dir, "scheda-b.xlsx");
      execFileSync("/usr/bin/python3", [SCHEDA, eml[b.istat], fileB, "C8=attuata", "D8=14/06/2027"]);
      await app.dismissToasts();
      await press(app, "[data-testid=request-import]");
      answerFolderDialog("Importa le schede restituite", fileB);
      await app.el("[data-testid=return-conflicts-0]", 15000);
      const conflicts = await app.text("[data-testid=return-conflicts-0]");
      assert.match(conflicts, /C8[\s\S]*da avviare[\s\S]*in corso[\s\S]*attuata/);
      assert.match(conflicts, /D8[\s\S]*12\/06\/2027[\s\S]*14\/06\/2027/);
      await app.assertAxe("Comunicazioni › Schede restituite (conflitto)");
      if (SHOTS) await app.screenshot(join(SHOTS, "comunicazioni-scheda-conflitto.png"));
      for (const cell of ["C8", "D8"]) {
        const box = `[data-testid=return-conflicts-0] tr:has(td) input[type=checkbox]`;
        const n = await app.exec("return [...document.querySelectorAll(arguments[0])].findIndex((e) => e.closest('tr').textContent.includes(arguments[1]))", box, cell);
        await app.exec("const e = document.querySelectorAll(arguments[0])[arguments[1]]; e.focus(); return true;", box, n);
        await app.keys(KEY.SPACE);
      }
      await press(app, "[data-testid=return-apply-0]");
      await app.el("[data-testid=return-confirm]");
      assert.match(await app.text("[data-testid=confirm-what]"), /i 2 valori in conflitto scelti dalla scheda/);
      await app.keys(KEY.ENTER);
      await app.el("[data-testid=return-done-0]", 15000);
      await press(app, "[data-testid=returns-close]");
      await waitFor(async () => /2 comuni su 3 hanno restituito la scheda/.test(await app.text("[data-testid=request-count]")), "two returned");
      assert.equal((await invoke("risks_plan", { istat: b.istat })).adoptions[0].state, "attuata");
      await app.assertAxe("Comunicazioni › Richiesta con due schede ricevute");
      if (SHOTS) await app.screenshot(join(SHOTS, "comunicazioni-richiesta.png"));

      // The third reminded: one action writes the reminder to exactly it.
      await app.dismissToasts();
      await press(app, "[data-testid=request-remind]");
      await waitFor(async () => /^Sollecito – Monitoraggio delle misure/.test(await app.text("#comm-title")), "the reminder opened");
      const lines = await app.text("[data-testid=comm-recipients-table]");
      assert.match(lines, new RegExp(`Referente Carla ${c.name}`));
      assert.doesNotMatch(lines, /Referente Anna|Referente Bruno/);
      await app.assertAxe("Comunicazioni › Sollecito");
      await press(app, "[data-testid=comm-send]");
      await app.el("[data-testid=send-report]", 60000);
      assert.match(await app.text("[data-testid=send-report]"), /^Inviati 1\./);
      await app.keys(KEY.ESCAPE);
      const reminder = server.received()[3];
      assert.equal(reminder.rcpt[0], `rpct.${c.istat}@pec.comune.test.it`);
      assert.match(reminder.subject, /^Sollecito – Monitoraggio delle misure di prevenzione/);
      assert.match(reminder.text, /Con la nota prot\. n\. 2027\/0456 questa Segreteria ha chiesto la restituzione/);
      assert.match(reminder.attachments[0].name, /^Scheda_monitoraggio_misure_2027_.+\.xlsx$/);
    } finally {
      server.stop();
    }
  }));
