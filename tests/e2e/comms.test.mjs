// Comunicazioni through the real window: the mailbox set up (password to the
// system's keyring, the test's own certificate authority), «Invia una
// prova», a convocation written with the acts' placeholders and sent to a
// zone's RPCT through a real local SMTP server (python3-aiosmtpd, STARTTLS),
// a PEC delivery receipt imported, the state shown.
import { test } from "node:test";
import assert from "node:assert/strict";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { withApp, waitFor, answerFolderDialog } from "./wd.mjs";
import { smtpServer, deliveryReceipt } from "./mail.mjs";

/** Chooses an item of a toolbar menu (MenuButton) by its test id. */
async function menuItem(app, testid) {
  await app.openMenuOf(`[data-testid=${testid}]`);
  await app.exec(`document.querySelector('[data-testid=${testid}]').click()`);
}

const SHOTS = process.env.E2E_SHOTS;

const csv =
  "\uFEFFCodice ISTAT;Comune;Ruolo;Nome e cognome;E-mail;In carica dal\r\n" +
  "083002;Alì;RPCT;Maria Teresa Cucinotta;mt.cucinotta@pec.comune.ali.me.it;15/03/2024\r\n" +
  "083003;Alì Terme;RPCT;Carmelo Sturiale;c.sturiale@comune.aliterme.me.it;01/02/2025\r\n";

test("Comunicazioni: a convocation sent to a zone's RPCT through the local server, a delivery receipt imported, the state shown", () =>
  withApp(async (app) => {
    const server = await smtpServer(app.dir);
    try {
      // Two RPCT with their addresses (the referents' import).
      const file = join(app.dir, "rpct.csv");
      writeFileSync(file, csv);
      await app.nav("comuni");
      await app.click("[data-testid=import-referents]");
      answerFolderDialog("Importa referenti e contatti", file);
      await waitFor(async () => /2 nuove.*0 con errori/s.test(await app.text("[data-testid=import-summary]")), "2 new referents");
      await app.click("[data-testid=import-apply]");
      await waitFor(async () => /Importazione completata/.test(await app.text("[data-testid=import-done]")), "imported");
      await app.exec("document.querySelector('[data-testid=import-dialog]').close()");
      const zone = await app.exec("return window.__TAURI_INTERNALS__.invoke('registry_get_comune', { istat: '083002' }).then((c) => c.zone_name)");
      assert.ok(zone, "Alì is in a zone");

      // The mailbox: password to the keyring, the test's CA trusted; a test message.
      await app.nav("comunicazioni");
      await menuItem(app, "comms-smtp");
      await app.el("#smtp-host");
      await app.typeWhole("#smtp-host", "127.0.0.1");
      await app.typeWhole("#smtp-port", String(server.port));
      await app.select("#smtp-security", "starttls");
      await app.typeWhole("#smtp-user", "segreteria");
      await app.typeWhole("#smtp-password", "Pàssword-di-prova");
      await app.typeWhole("#smtp-from", "segreteria@pec.cittametropolitana.me.it");
      await app.typeWhole("#smtp-from-name", "Segreteria Generale");
      await app.typeWhole("#smtp-ca", server.ca);
      await app.click("[data-testid=smtp-save]");
      await waitFor(async () => /portachiavi del sistema: lasciare vuoto/.test(await app.text("[data-testid=smtp]")), "the password saved in the keyring");
      await app.assertAxe("Comunicazioni › Casella di posta");
      await app.click("[data-testid=smtp-test]");
      await waitFor(() => server.received().length === 1, "the test message arrived");
      assert.equal(server.received()[0].subject, "Prova di invio – Comunità di Pratiche");
      await app.keys("\uE00C"); // Escape closes the dialog

      // The convocation.
      await app.click("[data-testid=comms-new]");
      await app.el("#compose-subject");
      await app.select("#compose-kind", "convocazione");
      await app.typeWhole("#compose-subject", "Convocazione – giornata formativa del 21 giugno 2027");
      await app.fill("#compose-body", "Al {{ rpct }}, RPCT del Comune di {{ comune.nome }}.\n\nLa S.V. è convocata alla giornata formativa del 21 giugno 2027.");
      await app.typeWhole("#compose-protocol", "2027/0789");
      await app.click("[data-testid=compose-save]");
      await app.el("[data-testid=comm-detail]");
      await waitFor(() => app.exec("return !document.querySelector('[data-testid=compose]').open"), "the compose dialog closed");
      await app.dismissToasts();

      // Its recipients: the RPCT of Alì's zone, previewed with addresses and flags.
      await menuItem(app, "comm-recipients");
      await app.el("[data-testid=recipients-preview]");
      await app.exec("[...document.querySelectorAll('[data-zone]')].find((e) => e.dataset.zone === arguments[0]).click()", zone);
      await app.click("[data-testid=recipients-preview]");
      await app.el("[data-testid=recipients-preview-table]");
      const preview = await app.text("[data-testid=recipients-preview-table]");
      assert.match(preview, /Maria Teresa Cucinotta/);
      assert.match(preview, /mt\.cucinotta@pec\.comune\.ali\.me\.it\s*PEC/);
      await app.assertAxe("Comunicazioni › Destinatari");
      if (SHOTS) await app.screenshot(join(SHOTS, "comunicazioni-destinatari.png"));
      await app.click("[data-testid=recipients-save]");
      await waitFor(async () => /Maria Teresa Cucinotta/.test(await app.text("[data-testid=comm-recipients-table]")), "recipients saved");

      // Sent: progress, then the report; one message per recipient with an address.
      await app.click("[data-testid=comm-send]");
      await app.el("[data-testid=send-report]", 60000);
      assert.match(await app.text("[data-testid=send-report]"), /^Inviati 2\./);
      const sent = server.received().slice(1);
      const ali = sent.find((m) => m.rcpt[0] === "mt.cucinotta@pec.comune.ali.me.it");
      assert.ok(ali, "Alì's RPCT got the convocation");
      assert.equal(sent.filter((m) => m.rcpt[0] === "mt.cucinotta@pec.comune.ali.me.it").length, 1);
      assert.match(ali.text, /Al Maria Teresa Cucinotta, RPCT del Comune di Alì\./);
      assert.equal(ali.subject, "Convocazione – giornata formativa del 21 giugno 2027 – Prot. n. 2027/0789");
      await app.clickText("Chiudi", "[data-testid=send] button");
      await waitFor(async () => /Inviata/.test(await app.text("[data-testid=comm-state]")), "the state: sent");

      // The delivery receipt saved from the webmail, imported.
      // An ASCII name: xdotool types accented letters into the GTK chooser unreliably.
      const receipt = join(app.dir, "ricevuta-consegna-ali.eml");
      writeFileSync(receipt, deliveryReceipt(ali.message_id, ali.rcpt[0]));
      await menuItem(app, "comms-receipts");
      answerFolderDialog("Importa le ricevute PEC", receipt);
      await app.el("[data-testid=receipts-table]", 15000);
      assert.match(await app.text("[data-testid=receipts-table]"), /Avvenuta consegna[\s\S]*Maria Teresa Cucinotta[\s\S]*associata/);
      await app.assertAxe("Comunicazioni › Ricevute");
      await app.clickText("Chiudi", "[data-testid=receipts] button");
      await waitFor(async () => /Avvenuta consegna\s*14\/06\/2027, 10:00/.test(await app.text("[data-testid=comm-recipients-table]")), "the delivery shown on Alì's line");
      await app.assertAxe("Comunicazioni");
      if (SHOTS) await app.screenshot(join(SHOTS, "comunicazioni.png"));
    } finally {
      server.stop();
    }
  }));
