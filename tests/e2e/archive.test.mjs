// The archive never loses work: backups and restore from Impostazioni, a
// second instance on the same archive, a clean close on SIGTERM.
import { test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync, spawn } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { tmpdir } from "node:os";
import { App, withApp, APP, waitFor, openComune, answerSaveDialog, answerFolderDialog, sleep } from "./wd.mjs";

const SHOTS = process.env.E2E_SHOTS;

const notesOf = (app) => app.value("#c-notes");

async function saveNotes(app, text) {
  await app.clear("#c-notes");
  await app.type("#c-notes", text);
  await app.click("[data-testid=comune-form] button[type=submit]");
  await waitFor(async () => (await app.exec("return document.body.innerText")).includes("salvati"), "the save toast");
}

test("Impostazioni: a backup, a change, the restore: the change is gone and the safety copy is listed", () =>
  withApp(async (app) => {
    await openComune(app, "Alì Terme", "Alì Terme");
    await saveNotes(app, "Prima della copia");
    await app.nav("impostazioni");
    // The first opening of the day made a daily copy.
    await waitFor(async () => (await app.exec("return document.querySelectorAll('[data-testid=backup-row]').length")) >= 1, "the daily copy");
    await app.click("[data-testid=backup-now]");
    await waitFor(async () => (await app.exec("return document.querySelectorAll('[data-testid=backup-row][data-reason=manual]').length")) === 1, "the manual copy");

    await openComune(app, "Alì Terme", "Alì Terme");
    await saveNotes(app, "Dopo la copia: da perdere");

    await app.nav("impostazioni");
    await waitFor(() => app.exec("return !!document.querySelector('[data-testid=backup-row][data-reason=manual] [data-testid=restore-this]')"), "the restore button");
    await app.click("[data-testid=backup-row][data-reason=manual] [data-testid=restore-this]");
    await app.el("[data-testid=restore-confirm]");
    assert.match(await app.text("[data-testid=restore-confirm]"), /108 comuni/);
    await app.assertAxe("conferma del ripristino");
    if (SHOTS) await app.screenshot(join(SHOTS, "impostazioni-ripristino.png"));
    await app.click("[data-testid=restore-go]");
    await waitFor(async () => (await app.exec("return document.body.innerText")).includes("Archivio ripristinato"), "the restore toast");
    await waitFor(() => app.exec("return !!document.querySelector('[data-testid=backup-row][data-reason=before_restore]')"), "the safety copy listed");

    await openComune(app, "Alì Terme", "Alì Terme");
    assert.equal(await notesOf(app), "Prima della copia");

    // A copy through the save dialog: a whole archive, readable on its own.
    await app.nav("impostazioni");
    const out = join(app.dir, "copia per la chiavetta.sqlite3");
    await app.click("[data-testid=save-copy]");
    answerSaveDialog("Salva una copia dell'archivio", out);
    await waitFor(() => existsSync(out), "the saved copy", 15000);
    assert.equal(readFileSync(out).subarray(0, 15).toString(), "SQLite format 3");
    await waitFor(async () => (await app.exec("return document.body.innerText")).includes("Copia dell'archivio salvata"), "the copy toast");

    // A mistake: a file that is not an archive is refused, nothing changes.
    await app.dismissToasts();
    const wrong = join(app.dir, "verbale.sqlite3");
    writeFileSync(wrong, "Verbale della riunione del tavolo tematico");
    await app.click("[data-testid=restore-file]");
    await app.click("[data-testid=restore-go]");
    answerFolderDialog("Ripristina da una copia dell'archivio", wrong);
    await waitFor(async () => (await app.exec("return document.querySelector('[data-testid=restore-error]')?.textContent ?? ''")).includes("non è un archivio"), "the refusal");
    await app.assertAxe("ripristino rifiutato");
    if (SHOTS) await app.screenshot(join(SHOTS, "ripristino-rifiutato.png"));
    await openComune(app, "Alì Terme", "Alì Terme");
    assert.equal(await notesOf(app), "Prima della copia");
  }));

test("a second instance on the same archive says who holds it and opens read-only", async () => {
  const dir = mkdtempSync(join(tmpdir(), "cdp-e2e-second-"));
  const db = join(dir, "condiviso.sqlite3");
  // The first instance: the app itself, started outside WebDriver.
  const first = spawn(APP, ["--db", db], { stdio: "ignore", env: { ...process.env, USER: "rossi" } });
  try {
    await waitFor(() => existsSync(`${db}.lock`) && statSync(`${db}.lock`).size > 0, "the first instance's lock", 20000);
    await withApp(async (app) => {
      const msg = await app.text("[data-testid=fatal-error]");
      assert.match(msg, /è già aperto da rossi su .+ dal \d\d\/\d\d\/\d{4} alle \d\d:\d\d/);
      assert.equal(await app.text("h1"), "Archivio già aperto");
      await app.assertAxe("archivio già aperto");
      if (SHOTS) await app.screenshot(join(SHOTS, "archivio-gia-aperto.png"));
      await app.click("[data-testid=open-read-only]");
      await app.el("[data-testid=read-only-banner]");
      await openComune(app, "Messina", "Messina");
      // Every form is disabled; the core would refuse anyway.
      assert.equal(await app.exec("return document.querySelector('#c-notes').disabled"), true);
      assert.equal(await app.exec("return document.querySelector('[data-testid=comune-form] button[type=submit]').disabled"), true);
      assert.equal(await app.exec("return document.querySelector('[data-step=invite]').disabled"), true);
      await app.assertAxe("sola lettura");
      if (SHOTS) await app.screenshot(join(SHOTS, "sola-lettura.png"));
    }, db);
  } finally {
    // SIGTERM is a normal end: the archive is checkpointed and the lock emptied.
    first.kill("SIGTERM");
    await new Promise((r) => first.once("exit", r));
  }
  assert.equal(existsSync(`${db}-wal`) && statSync(`${db}-wal`).size > 0, false, "no WAL left with data");
  assert.equal(readFileSync(`${db}.lock`, "utf8"), "", "the lock file emptied on a clean close");
  rmSync(dir, { recursive: true, force: true });
});

test("Ctrl+Q asks before losing unsaved changes, then quits closing the archive cleanly", async () => {
  const app = await App.start();
  const db = app.dbPath;
  let exited = false;
  try {
    await openComune(app, "Barcellona Pozzo di Gotto", "Barcellona Pozzo di Gotto");
    await app.type("#c-notes", "Appunto non ancora salvato");
    // The question blocks the page: the key press is dispatched from a timer
    // so that the WebDriver call returns before it.
    await app.exec("setTimeout(() => window.dispatchEvent(new KeyboardEvent('keydown', { key: 'q', ctrlKey: true, bubbles: true })), 50)");
    await waitFor(() => app.alertText(), "the unsaved-changes question");
    assert.match(await app.alertText(), /modifiche non salvate/);
    await app.dismissAlert();
    // Still open, the text still there.
    assert.equal(await app.value("#c-notes"), "Appunto non ancora salvato");
    await app.click("[data-testid=comune-form] button[type=submit]");
    await waitFor(async () => (await app.exec("return document.body.innerText")).includes("salvati"), "the save toast");
    // The app ends while the key command is in flight: its answer may be an error.
    await app.ctrl("q").catch(() => {});
    await waitFor(() => statSync(`${db}.lock`).size === 0, "the lock emptied by a clean close", 10000);
    exited = true;
    assert.equal(existsSync(`${db}-wal`) && statSync(`${db}-wal`).size > 0, false, "no WAL left with data");
  } finally {
    await app.quit().catch((e) => {
      if (!exited) throw e;
    });
  }
});

test("closing the window asks about unsaved changes, then closes the archive cleanly", async () => {
  // A window manager, so that the window can be asked to close as its X does.
  const wm = spawn("openbox", [], { stdio: "ignore" });
  await sleep(1000);
  const app = await App.start();
  const db = app.dbPath;
  let exited = false;
  try {
    await openComune(app, "Barcellona Pozzo di Gotto", "Barcellona Pozzo di Gotto");
    await app.type("#c-notes", "Appunto non ancora salvato");
    execFileSync("wmctrl", ["-c", "Comunità di Pratiche"]);
    await waitFor(() => app.alertText(), "the unsaved-changes question");
    assert.match(await app.alertText(), /modifiche non salvate/);
    await app.dismissAlert();
    await sleep(300);
    assert.equal(await app.value("#c-notes"), "Appunto non ancora salvato", "still open, the text kept");
    execFileSync("wmctrl", ["-c", "Comunità di Pratiche"]);
    await waitFor(() => app.alertText(), "the question again");
    await app.acceptAlert().catch(() => {});
    await waitFor(() => statSync(`${db}.lock`).size === 0, "the lock emptied by a clean close", 10000);
    exited = true;
    assert.equal(existsSync(`${db}-wal`) && statSync(`${db}-wal`).size > 0, false, "no WAL left with data");
  } finally {
    await app.quit().catch((e) => {
      if (!exited) throw e;
    });
    wm.kill();
  }
});
