// Hostile input through the real app: an absurd number typed as the hours
// of a training event (9223372036854775807:00 once overflowed and ended the
// process) and a control character pasted into its title are refused at
// their fields; the window stays and the corrected event is saved. A copy
// of the main file made while the app runs is recognised and the user
// chooses: read-only, open anyway, or quit.
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { copyFileSync, existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { APP, App, waitFor } from "./wd.mjs";

const SHOTS = process.env.E2E_SHOTS;

const errorAt = (app, id) => app.exec(`return document.querySelector('[data-error-for=${id}]')?.textContent ?? ''`);

test("an absurd number and a control character are field errors, and the app stays", async () => {
  const app = await App.start();
  try {
    await app.nav("formazione");
    await app.click("[data-testid=new-event]");
    await waitFor(async () => (await app.focused()).startsWith("select#ev-kind"), "the form open");
    await app.select("#ev-mode", "webinar");
    await app.typeWhole("#ev-title", "Il PIAO e la sezione Rischi corruttivi");
    await app.fill("#ev-date", "9/3/2027");
    await app.typeWhole("#ev-start_time", "10:00");
    await app.typeWhole("#ev-end_time", "13:00");
    await app.typeWhole("#ev-link", "https://meet.esempio.it/cdp");
    await app.typeWhole("#ev-hours", "9223372036854775807:00");
    await app.click("[data-testid=event-save]");
    await waitFor(async () => (await errorAt(app, "ev-hours")) !== "", "the error at the hours");
    assert.match(await errorAt(app, "ev-hours"), /Ore/);
    await waitFor(async () => (await app.focused()).startsWith("input#ev-hours"), "focus on the hours");
    if (SHOTS) await app.screenshot(join(SHOTS, "ostile-ore.png"));

    // A control character pasted into the title (set as a paste would).
    await app.typeWhole("#ev-hours", "3");
    await app.exec(
      "const e = document.querySelector('#ev-title'); e.value = 'Il PIAO\\u001b e i rischi'; e.dispatchEvent(new Event('input', { bubbles: true }));",
    );
    await app.click("[data-testid=event-save]");
    await waitFor(async () => (await errorAt(app, "ev-title")).includes("U+001B"), "the error at the title");
    await app.assertAxe("modulo evento con errori di dati ostili");

    // The window is still there and answers: the corrected event is saved.
    assert.equal(await app.text("h1"), "Formazione e incontri");
    await app.typeWhole("#ev-title", "Il PIAO e i rischi");
    await app.click("[data-testid=event-save]");
    await waitFor(async () => !(await app.exec("return !!document.querySelector('[data-testid=event-form]')")), "the form closed");
    await waitFor(async () => (await app.text("[data-testid=day-panel]")).includes("Il PIAO e i rischi"), "the event saved");
  } finally {
    await app.quit();
  }
});

test("a copy of the archive made while the app runs: the warning, then «Apri comunque»", async () => {
  const dir = mkdtempSync(join(tmpdir(), "cdp-e2e-copy-"));
  const db = join(dir, "archivio.sqlite3");
  const copy = join(dir, "copia.sqlite3");
  const first = spawn(APP, ["--db", db], { stdio: "ignore", env: { ...process.env, USER: "rossi" } });
  try {
    // Running: the main file says it is open (the mark is written, and
    // checkpointed, after the lock is taken).
    await waitFor(() => existsSync(db) && readFileSync(db).includes("archive_open_by"), "the open mark in the main file", 20000);
    // The main file alone, copied while the app runs (its -wal left behind).
    copyFileSync(db, copy);
    const app = await App.start(copy);
    try {
      assert.equal(await app.text("h1"), "Sembra una copia fatta con l'applicazione aperta");
      assert.match(await app.text("[data-testid=fatal-error]"), /rossi/);
      for (const id of ["open-read-only", "open-anyway", "quit"]) await app.el(`[data-testid=${id}]`);
      await app.assertAxe("copia sospetta");
      if (SHOTS) await app.screenshot(join(SHOTS, "copia-sospetta.png"));
      await app.click("[data-testid=open-anyway]");
      await app.el("nav.sidebar");
      assert.equal(await app.exec("return !!document.querySelector('[data-testid=read-only-banner]')"), false);
    } finally {
      await app.quit();
    }
  } finally {
    first.kill("SIGTERM");
    await new Promise((r) => first.once("exit", r));
    rmSync(dir, { recursive: true, force: true });
  }
});
