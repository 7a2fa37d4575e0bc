// Receipts read from the mailbox and the rule «chi non ha restituito la
// scheda», through the real window with the keyboard alone: a request of
// the monitoring scheda sent to two comuni through the local SMTP server;
// the reading of the receipts set up with a wrong password — «Leggi ricevute
// dalla casella» says so in Italian and records nothing —, then with the
// right one: the delivery receipt the PEC provider put in the local Dovecot
// (IMAP APPEND) read, the recipient's line «Avvenuta consegna» with its date;
// a returned scheda dropped on the screen and applied; a new reminder whose
// recipients are «chi non ha restituito la scheda» of that request: the
// other comune alone. axe at each state.
import { test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { join, resolve } from "node:path";
import { withApp, waitFor, KEY } from "./wd.mjs";
import { certs, smtpServer, imapServer, deliveryReceipt, press, menuItem, PASSWORD } from "./mail.mjs";

const SHOTS = process.env.E2E_SHOTS;
const SCHEDA = resolve("tests/e2e/scheda.py");

test("Comunicazioni: receipts read from the mailbox by IMAP (a wrong password first), a scheda dropped, the rule «chi non ha restituito la scheda»", () =>
  withApp(async (app) => {
    const c = certs(app.dir);
    const smtp = await smtpServer(app.dir, c);
    const imap = await imapServer(app.dir, c);
    const invoke = (cmd, args = {}) => app.exec("return window.__TAURI_INTERNALS__.invoke(arguments[0], arguments[1])", cmd, args);
    try {
      // Set up through the commands: two comuni of Alì's zone with their
      // RPCT, one measure adopted by each, the sending mailbox.
      const ali = await invoke("registry_get_comune", { istat: "083002" });
      const two = (await invoke("registry_list_comuni", { query: { zone: String(ali.zone_id) } })).slice(0, 2);
      for (const [i, x] of two.entries()) {
        await invoke("registry_add_referent", { istat: x.istat, input: { role: "rpct", full_name: `Referente ${["Anna", "Bruno"][i]} ${x.name}`, email: `rpct.${x.istat}@pec.comune.test.it`, valid_from: "2024-01-01" } });
      }
      const voc = await invoke("risks_vocabulary");
      const proc = await invoke("risks_create_process", { input: { area_id: voc.areas[0].id, name: "Controllo degli atti", phases: ["Estrazione", "Verifica"], office: "Segreteria", simplified: false } });
      const ev = await invoke("risks_create_event", { input: { process_id: proc.id, description: "Atti adottati senza verifica di regolarità" } });
      const indicator = { name: "Atti controllati sul totale", kind: "percentuale", baseline: "0", baseline_date: "2026-12-31", target: "100", target_date: "2027-12-31" };
      const m = await invoke("risks_create_measure", { input: { title: "Controllo successivo di regolarità amministrativa a campione", general: false, type_code: voc.measure_types[0].code, description: "Estrazione e verifica degli atti.", events: [ev.id], responsabili: ["Segretario comunale"], phases: [{ description: "Estrazione trimestrale", due: "2027-09-30" }], indicators: [indicator], expected: "Tutti gli atti estratti verificati." } });
      await invoke("risks_adopt_measures", { istat: two.map((x) => x.istat), measureIds: [m.id], adjust: {} });
      await invoke("comms_save_smtp_settings", { settings: { host: "127.0.0.1", port: smtp.port, security: "starttls", user: "segreteria", from_address: "segreteria@pec.cittametropolitana.me.it", from_name: "Segreteria Generale", ca_file: smtp.ca, password_saved: false, updated_at: "" }, password: PASSWORD });

      // The reading of the receipts set up in «Casella di posta…», with a mistyped password.
      await app.nav("comunicazioni");
      await menuItem(app, "comms-more", "comms-smtp");
      await app.el("#imap-host");
      await app.typeWhole("#imap-host", "127.0.0.1");
      await app.typeWhole("#imap-port", String(imap.plain));
      await app.select("#imap-security", "starttls");
      assert.equal(await app.value("#imap-user"), "segreteria", "the sending user proposed");
      await app.typeWhole("#imap-password", "Password-sbagliata");
      assert.equal(await app.value("#imap-folder"), "INBOX");
      await press(app, "[data-testid=imap-save]");
      await waitFor(async () => /Una password è salvata nel portachiavi/.test(await app.text("#imap-password-hint")), "the IMAP password in the keyring");
      await app.assertAxe("Comunicazioni › Casella di posta (invio e lettura)");
      if (SHOTS) await app.screenshot(join(SHOTS, "comunicazioni-casella.png"));
      await app.keys(KEY.ESCAPE);
      await waitFor(() => app.exec("return !document.querySelector('[data-testid=smtp]').open"), "the mailbox dialog closed");

      // The request, sent to the two RPCT of the zone.
      await press(app, "[data-testid=comms-new]");
      await app.el("#compose-subject");
      await app.select("#compose-kind", "richiesta_scheda");
      await app.typeWhole("#compose-subject", "Monitoraggio delle misure – primo semestre 2027");
      await app.fill("#compose-body", "Al {{ rpct }}, RPCT del Comune di {{ comune.nome }}.\n\nSi chiede di restituire la scheda allegata compilata.");
      await app.typeWhole("#compose-protocol", "2027/0501");
      await app.select("#compose-generated", "scheda_monitoraggio");
      // The year the scheda asks about: proposed empty (the current year), here said.
      await app.el("#compose-year");
      await app.exec("document.querySelector('#compose-year').scrollIntoView({ block: 'center' }); return true;");
      await app.typeWhole("#compose-year", "2027");
      await app.assertAxe("Comunicazioni › Richiesta di scheda con il suo anno");
      if (SHOTS) await app.screenshot(join(SHOTS, "comunicazioni-richiesta-anno.png"));
      await press(app, "[data-testid=compose-save]");
      await app.el("[data-testid=request-panel]");
      await waitFor(() => app.exec("return !document.querySelector('[data-testid=compose]').open"), "the compose dialog closed");
      await waitFor(() => app.exec("return document.activeElement?.dataset.testid === 'comms-new'"), "the focus back on «Nuova comunicazione»");
      await app.settled();
      await app.dismissToasts();
      await menuItem(app, "comm-actions", "comm-recipients");
      await app.el("[data-testid=recipients-preview]");
      await press(app, `[data-zone="${ali.zone_name}"]`, KEY.SPACE);
      await press(app, "[data-testid=recipients-preview]");
      await app.el("[data-testid=recipients-preview-table]");
      await press(app, "[data-testid=recipients-save]");
      await waitFor(async () => /Referente Anna/.test(await app.text("[data-testid=comm-recipients-table]")), "recipients saved");
      await press(app, "[data-testid=comm-send]");
      await app.el("[data-testid=send-report]", 60000);
      assert.match(await app.text("[data-testid=send-report]"), /^Inviati 2\./);
      await app.keys(KEY.ESCAPE);
      const [a, b] = two;
      const iA = smtp.received().findIndex((x) => x.rcpt[0] === `rpct.${a.istat}@pec.comune.test.it`);
      const toA = smtp.received()[iA];
      assert.ok(toA, "the message to the first comune");

      // The provider's delivery receipt arrives in the mailbox.
      assert.deepEqual(imap.append(deliveryReceipt(toA.message_id, toA.rcpt[0], toA.subject)), [1]);

      // The mistake: the wrong password, said in Italian; nothing recorded.
      await app.dismissToasts();
      await menuItem(app, "comms-more", "comms-read-imap");
      await app.el("[data-testid=read-error]", 30000);
      assert.equal(
        await app.text("[data-testid=read-error]"),
        "Il server IMAP 127.0.0.1 ha rifiutato nome utente o password. Controllarli in Comunicazioni › Altre azioni › Casella di posta: nessuna ricevuta è stata letta.",
      );
      await app.assertAxe("Comunicazioni › Lettura delle ricevute (password sbagliata)");
      await app.keys(KEY.ESCAPE);
      await waitFor(() => app.exec("return !document.querySelector('[data-testid=receipts]').open"), "the receipts' dialog closed");
      assert.doesNotMatch(await app.text("[data-testid=comm-recipients-table]"), /Avvenuta consegna/);
      const id = (await invoke("comms_list", { filter: { text: "primo semestre", kind: null, recipient: "", state: "", from: "", to: "" } }))[0].id;
      assert.equal((await invoke("comms_get", { id })).counts.delivered, 0);

      // The password corrected (the rest kept), the mailbox read again.
      await menuItem(app, "comms-more", "comms-smtp");
      await app.el("#imap-password");
      await app.typeWhole("#imap-password", PASSWORD);
      await press(app, "[data-testid=imap-save]");
      await waitFor(async () => (await app.value("#imap-password")) === "", "the IMAP settings saved");
      await app.keys(KEY.ESCAPE);
      await waitFor(() => app.exec("return !document.querySelector('[data-testid=smtp]').open"), "the mailbox dialog closed");
      await app.dismissToasts();
      await menuItem(app, "comms-more", "comms-read-imap");
      await app.el("[data-testid=read-report]", 30000);
      assert.equal(await app.text("[data-testid=read-report]"), "Cartella INBOX: 1 messaggi nuovi, di cui 1 ricevute PEC.");
      assert.match(await app.text("[data-testid=receipts-table]"), /CONSEGNA: Monitoraggio delle misure[\s\S]*Avvenuta consegna[\s\S]*Referente Anna[\s\S]*associata/);
      await app.assertAxe("Comunicazioni › Ricevute lette dalla casella");
      if (SHOTS) await app.screenshot(join(SHOTS, "comunicazioni-ricevute-imap.png"));
      await app.keys(KEY.ESCAPE);
      await waitFor(() => app.exec("return !document.querySelector('[data-testid=receipts]').open"), "the receipts' dialog closed");
      await waitFor(async () => /Referente Anna[\s\S]*Avvenuta consegna\s*14\/06\/2027, 10:00/.test(await app.text("[data-testid=comm-recipients-table]")), "the delivery shown on the first comune's line");
      // Read again: nothing new, nothing imported twice.
      await menuItem(app, "comms-more", "comms-read-imap");
      await app.el("[data-testid=read-report]", 30000);
      assert.equal(await app.text("[data-testid=read-report]"), "Cartella INBOX: nessun messaggio nuovo dall'ultima lettura.");
      await app.keys(KEY.ESCAPE);
      await waitFor(() => app.exec("return !document.querySelector('[data-testid=receipts]').open"), "the receipts' dialog closed");

      // The first comune's scheda comes back: dropped on the screen, applied.
      const fileA = join(app.dir, "scheda-a.xlsx");
      execFileSync("/usr/bin/python3", [SCHEDA, join(smtp.out, `${String(iA + 1).padStart(5, "0")}.eml`), fileA, "C8=attuata", "D8=10/06/2027"]);
      await app.exec(
        "return window.__TAURI_INTERNALS__.invoke('plugin:event|emit', { event: 'tauri://drag-drop', payload: { paths: arguments[0], position: { x: 400, y: 300 } } })",
        [fileA],
      );
      await app.el("[data-testid=return-0]", 15000);
      assert.match(await app.text("[data-testid=return-summary-0]"), /^2 valori cambiano, 0 in conflitto/);
      await app.assertAxe("Comunicazioni › Scheda trascinata");
      if (SHOTS) await app.screenshot(join(SHOTS, "comunicazioni-scheda-trascinata.png"));
      await press(app, "[data-testid=return-apply-0]");
      await app.el("[data-testid=return-confirm]");
      await app.keys(KEY.ENTER);
      await app.el("[data-testid=return-done-0]", 15000);
      await press(app, "[data-testid=returns-close]");
      await waitFor(async () => /1 comuni su 2 hanno restituito la scheda/.test(await app.text("[data-testid=request-count]")), "one returned");

      // A reminder of one's own: its recipients «chi non ha restituito la scheda» of the request.
      await app.dismissToasts();
      await press(app, "[data-testid=comms-new]");
      await app.el("#compose-subject");
      await app.select("#compose-kind", "sollecito");
      await app.typeWhole("#compose-subject", "Sollecito – scheda di monitoraggio del primo semestre 2027");
      await app.fill("#compose-body", "Al {{ rpct }}, RPCT del Comune di {{ comune.nome }}.\n\nLa scheda chiesta con la nota prot. n. 2027/0501 non risulta pervenuta.");
      assert.equal(await app.exec("return document.querySelector('#compose-year') === null"), true, "no year for a communication without a scheda");
      await press(app, "[data-testid=compose-save]");
      await waitFor(async () => /^Sollecito – scheda di monitoraggio/.test(await app.text("#comm-title")), "the reminder opened");
      await waitFor(() => app.exec("return !document.querySelector('[data-testid=compose]').open"), "the compose dialog closed");
      await app.settled();
      await app.dismissToasts();
      await menuItem(app, "comm-actions", "comm-recipients");
      await app.el("[data-testid=rule-not-returned]");
      await press(app, `[data-zone="${ali.zone_name}"]`, KEY.SPACE);
      const request = await app.exec("return [...document.querySelector('#rule-not-returned').options].find((o) => o.textContent.includes('primo semestre 2027'))?.value");
      assert.ok(request, "the request offered by the rule");
      await app.select("#rule-not-returned", request);
      await press(app, "[data-testid=recipients-preview]");
      await waitFor(async () => /Referente Bruno/.test(await app.text("[data-testid=recipients-preview-table]")), "the preview");
      const preview = await app.text("[data-testid=recipients-preview-table]");
      assert.doesNotMatch(preview, /Referente Anna/, "the comune that returned the scheda is left out");
      assert.match(await app.text("[data-testid=recipients]"), /1 destinatari, 1 PEC, 0 senza indirizzo valido/);
      await app.assertAxe("Comunicazioni › Destinatari: chi non ha restituito la scheda");
      if (SHOTS) await app.screenshot(join(SHOTS, "comunicazioni-non-restituita.png"));
      await press(app, "[data-testid=recipients-save]");
      await waitFor(async () => /Referente Bruno/.test(await app.text("[data-testid=comm-recipients-table]")), "the reminder's recipients saved");
      assert.doesNotMatch(await app.text("[data-testid=comm-recipients-table]"), /Referente Anna/);
      assert.match(await app.text("[data-testid=comm-recipients-table]"), new RegExp(b.name));
      assert.equal((await invoke("comms_get", { id: (await invoke("comms_list", { filter: { text: "Sollecito – scheda", kind: null, recipient: "", state: "", from: "", to: "" } }))[0].id })).rule.not_returned, id);
      await app.assertAxe("Comunicazioni › Sollecito a chi non ha restituito la scheda");
    } finally {
      imap.stop();
      smtp.stop();
    }
  }));
