// The adhesion workflow through the real app, on a fresh archive.
import { test } from "node:test";
import assert from "node:assert/strict";
import { join } from "node:path";
import { App, openComune, waitFor } from "./wd.mjs";

const SHOTS = process.env.E2E_SHOTS;
const SIGNED_GREEN = "#006B47";

const state = (app) => app.text("[data-testid=adhesion-state]");

async function step(app, kind, fields) {
  await app.click(`[data-step=${kind}]`);
  await app.el("[data-testid=step-form]");
  for (const [css, value] of Object.entries(fields)) await app.fill(css, value);
  await app.click("[data-testid=step-form] button[type=submit]");
}

test("a comune from invitation to signed protocol, with a mistake and an undo", async () => {
  const app = await App.start();
  try {
    await openComune(app, "sant agata", "Sant'Agata di Militello");
    assert.equal(await state(app), "Non aderente");
    await step(app, "invite", { "#st-date": "2025-01-10", "#st-protocol_number": "1234/2025" });
    await waitFor(async () => (await state(app)) === "Invitato", "Invitato");
    await step(app, "send_draft", { "#st-date": "2025-02-01" });
    await waitFor(async () => (await state(app)) === "Bozza inviata", "Bozza inviata");
    // The act dated before the draft was sent: refused, next to the date.
    await step(app, "adopt_act", { "#st-date": "2025-01-20", "#st-number": "15", "#st-referent_id": "new", "#st-new_name": "Rosa Lo Presti" });
    const err = await app.text("#st-date-error");
    assert.match(err, /non può precedere/);
    assert.match(err, /01\/02\/2025/);
    assert.equal(await state(app), "Bozza inviata");
    await app.assertAxe("errore di data nel passaggio");
    if (SHOTS) await app.screenshot(join(SHOTS, "adesione-errore-data.png"));
    await app.fill("#st-date", "2025-03-01");
    await app.click("[data-testid=step-form] button[type=submit]");
    await waitFor(async () => (await state(app)) === "Atto adottato", "Atto adottato");
    await step(app, "sign_protocol", { "#st-date": "2025-03-20", "#st-registry_number": "CM-2025-0042" });
    await waitFor(async () => (await state(app)) === "Protocollo sottoscritto", "Protocollo sottoscritto");
    const timeline = await app.text("[data-testid=timeline]");
    for (const s of ["Invito inviato", "Bozza di atto inviata", "Atto adottato dal comune", "Protocollo sottoscritto"]) {
      assert.ok(timeline.includes(s), `timeline has «${s}»`);
    }
    assert.match(timeline, /Deliberazione di Giunta n\. 15 del 01\/03\/2025/);
    assert.match(timeline, /Rosa Lo Presti/);
    // The designated referent was created in the same step.
    assert.match(await app.text("[data-testid=referents-active]"), /Rosa Lo Presti/);
    await app.assertAxe("cronologia del comune");
    if (SHOTS) await app.screenshot(join(SHOTS, "adesione-cronologia.png"));

    // The dashboard counts it and the map shows it in the members' colour.
    await app.nav("cruscotto");
    await waitFor(async () => (await app.text("[data-testid=count-members]")) === "1 su 108", "1 member");
    const fill = await app.exec("return document.querySelector('path[data-istat=\"083084\"]').getAttribute('fill')");
    assert.equal(fill.toLowerCase(), SIGNED_GREEN.toLowerCase());
    assert.match(await app.text("[data-testid=state-counts] [data-state=protocollo_sottoscritto]"), /: 1$/);
    await app.assertAxe("cruscotto con un aderente");
    if (SHOTS) await app.screenshot(join(SHOTS, "cruscotto-adesioni.png"));

    // Undo the last step: a reason is required, and the undo is in the timeline.
    await openComune(app, "sant agata", "Sant'Agata di Militello");
    await app.clickText("Annulla l'ultimo passaggio…");
    await app.click("[data-testid=undo-form] button[type=submit]");
    assert.match(await app.text("#st-reason-error"), /Motivo/);
    await app.type("#st-reason", "Numero di registro errato");
    await app.click("[data-testid=undo-form] button[type=submit]");
    await waitFor(async () => (await state(app)) === "Atto adottato", "back to Atto adottato");
    const after = await app.text("[data-testid=timeline]");
    assert.match(after, /Annullamento dell'ultimo passaggio/);
    assert.match(after, /Motivo: Numero di registro errato/);
    assert.match(after, /annullato/);
    await app.nav("cruscotto");
    await waitFor(async () => (await app.text("[data-testid=count-members]")) === "0 su 108", "0 members after the undo");
  } finally {
    await app.quit();
  }
});

test("bulk invitation of a zone, then the register filtered by state", async () => {
  const app = await App.start();
  try {
    await app.nav("adesioni");
    await app.select("#adh-zone", "Isole Eolie", { byText: true });
    await waitFor(async () => (await app.text("[data-testid=adh-count]")) === "4 comuni", "the 4 Eolie comuni");
    await app.clickText("Seleziona tutti");
    await app.click("[data-testid=bulk-open]");
    await app.el("dialog[open]");
    await app.fill("#bulk-date", "2025-04-01");
    // A mistake first: no protocol number.
    await app.clickText("Registra gli inviti", "dialog button");
    assert.match(await app.text("[data-error-for=bulk-protocol], [data-testid=bulk-error]"), /protocollo/i);
    await app.type("#bulk-protocol", "777/2025");
    await app.clickText("Registra gli inviti", "dialog button");
    await waitFor(async () => !(await app.exec("return !!document.querySelector('dialog[open]')")), "the dialog to close");
    await app.select("#adh-state", "invitato");
    await waitFor(async () => (await app.text("[data-testid=adh-count]")) === "4 comuni", "4 invited");
    await app.assertAxe("registro delle adesioni");
    if (SHOTS) await app.screenshot(join(SHOTS, "adesioni.png"));
  } finally {
    await app.quit();
  }
});
