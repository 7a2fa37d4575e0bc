// The network validates the catalogue (issue 20): the secretariat opens
// «Validazione della rete…» in Rischi e misure, first types a date in the
// future (refused at the date field), then leaves the act empty (refused at
// its field), then records the meeting that validated it; the status line
// and the measure's detail then say «validata dalla rete» with the date and
// the act, no longer «da validare».
import { test } from "node:test";
import assert from "node:assert/strict";
import { join } from "node:path";
import { App, waitFor } from "./wd.mjs";

const SHOTS = process.env.E2E_SHOTS;
const ACT = "verbale della riunione plenaria dei RPCT n. 2";

test("the secretariat records the network's validation of the catalogue, after two mistakes", async () => {
  const app = await App.start();
  try {
    await app.nav("rischi");
    await waitFor(async () => (await app.text("h1")) === "Rischi e misure", "the section");
    assert.match(await app.text(".subtitle"), /Proposta della Segreteria tecnica, da validare/);
    await app.click("[data-testid=validate-catalogue]");
    await app.el("[data-testid=validation-dialog] form");
    await waitFor(() => app.exec("return document.activeElement?.id === 'validation-date'"), "focus on the first field");

    // A date in the future: refused at the date field.
    await app.fill("#validation-date", "31/12/2099");
    await app.fill("#validation-act", ACT);
    await app.clickText("Registra la validazione");
    await waitFor(() => app.exec("return document.activeElement?.id === 'validation-date'"), "focus on the date in error");
    assert.match(await app.text("[data-testid=validation-dialog]"), /non può essere successiva a oggi/);
    await app.assertAxe("validazione con data futura");
    if (SHOTS) await app.screenshot(join(SHOTS, "rischi-validazione-errore.png"));

    // The act left empty: refused at its field.
    await app.fill("#validation-date", "02/03/2026");
    await app.fill("#validation-act", "");
    await app.clickText("Registra la validazione");
    await waitFor(() => app.exec("return document.activeElement?.id === 'validation-act'"), "focus on the act in error");
    assert.match(await app.text("[data-testid=validation-dialog]"), /indicare l'atto o la riunione/);

    // Fixed: recorded; the dialog closes and the status line says it.
    await app.fill("#validation-act", ACT);
    await app.clickText("Registra la validazione");
    await waitFor(() => app.exec("return !document.querySelector('[data-testid=validation-dialog]').open"), "the dialog closed");
    await waitFor(async () => /Catalogo validato dalla rete il 02\/03\/2026/.test(await app.text(".subtitle")), "the status line");
    assert.match(await app.text(".subtitle"), new RegExp(ACT));
    assert.doesNotMatch(await app.text(".subtitle"), /da validare/);

    // A measure's detail says it was validated, by what and when.
    await app.el("[data-testid=measure-list] [data-measure] button");
    await app.click("[data-testid=measure-list] [data-measure] button");
    await app.el("[data-testid=measure-detail]");
    assert.match(await app.text("[data-testid=measure-detail]"), /Validata dalla rete il 02\/03\/2026/);
    await app.assertAxe("misura validata");
    if (SHOTS) await app.screenshot(join(SHOTS, "rischi-validata.png"));

    // The dialog opened again shows the last validation.
    await app.click("[data-testid=validate-catalogue]");
    await app.el("[data-testid=validation-last]");
    assert.match(await app.text("[data-testid=validation-last]"), /02\/03\/2026/);
  } finally {
    await app.quit();
  }
});
