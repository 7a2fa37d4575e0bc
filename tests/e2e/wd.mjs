// A small W3C WebDriver client for the real app: WebKitWebDriver starts the
// Tauri binary (TAURI_WEBVIEW_AUTOMATION=true) and we drive its webview.
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";

const DRIVER = process.env.WEBDRIVER_URL ?? "http://127.0.0.1:4444";
export const APP = resolve(process.env.APP_BINARY ?? "target/debug/comunita-pratiche");
const ELEMENT = "element-6066-11e4-a52e-4f735466cecf";
// axe-core (ui's devDependency) is injected into the page by execute script:
// the CSP forbids loading scripts, not WebDriver's.
const AXE = resolve(import.meta.dirname, "../../ui/node_modules/axe-core/axe.min.js");
let axeSource;

async function req(method, path, body, timeoutMs) {
  const res = await fetch(`${DRIVER}${path}`, {
    method,
    headers: { "content-type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
    signal: timeoutMs ? AbortSignal.timeout(timeoutMs) : undefined,
  });
  const json = await res.json();
  if (!res.ok || (json.value && json.value.error)) {
    throw new Error(`${method} ${path}: ${JSON.stringify(json.value ?? json).slice(0, 500)}`);
  }
  return json.value;
}

/** Runs `fn` on a fresh app (or on `dbPath`); on failure keeps a screenshot
 * of the window for the log. */
export async function withApp(fn, dbPath) {
  const app = await App.start(dbPath);
  try {
    await fn(app);
  } catch (e) {
    const shot = join(tmpdir(), `cdp-e2e-failure-${Date.now()}.png`);
    await app.screenshot(shot).then(() => console.error(`screenshot of the failure: ${shot}`), () => {});
    throw e;
  } finally {
    await app.quit();
  }
}

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** Polls `fn` until it returns a truthy value (or fails after `ms`). */
export async function waitFor(fn, what, ms = 10000) {
  const end = Date.now() + ms;
  let last;
  for (;;) {
    try {
      const v = await fn();
      if (v) return v;
    } catch (e) {
      last = e;
    }
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}${last ? `: ${last.message}` : ""}`);
    await sleep(100);
  }
}

export class App {
  constructor(id, dir, dbPath) {
    this.id = id;
    this.dir = dir;
    this.dbPath = dbPath;
  }

  /** Starts the app on `dbPath` (a fresh temporary archive if not given). */
  static async start(dbPath) {
    const dir = mkdtempSync(join(tmpdir(), "cdp-e2e-"));
    const db = dbPath ?? join(dir, "archivio.sqlite3");
    const caps = {
      capabilities: {
        alwaysMatch: { "webkitgtk:browserOptions": { binary: APP, args: ["--db", db] } },
      },
    };
    // Rarely (about once in a hundred starts, on a loaded or an idle
    // machine alike) WebKitWebDriver never answers a new session: after a
    // minute the half-started app is killed and the start tried again.
    let session;
    for (let attempt = 1; ; attempt++) {
      try {
        session = await req("POST", "/session", caps, 60000);
        break;
      } catch (e) {
        if (attempt >= 3 || !(e.name === "TimeoutError" || e.name === "AbortError" || /fetch failed/.test(e.message))) throw e;
        console.error(`# new session not answered (${e.name}): the app is started again`);
        try {
          execFileSync("pkill", ["-f", "--", `--db ${db}`]);
        } catch {
          // nothing left to kill
        }
        await sleep(1000);
      }
    }
    const app = new App(session.sessionId, dir, db);
    const firstScreen = () => waitFor(() => app.exec("return document.querySelector('nav.sidebar, .error-screen') !== null"), "the first screen");
    await firstScreen();
    // The webview's storage outlives the app (it is the user's profile): what
    // an earlier test left there (the sidebar collapsed) is cleared, and the
    // page reloaded, so that every test starts from the same screen.
    const leftover = await app.exec("const n = localStorage.length; localStorage.clear(); sessionStorage.clear(); return n;");
    if (leftover > 0) {
      await app.exec("location.reload(); return true;");
      await waitFor(() => app.exec("return document.readyState === 'complete' && !!document.querySelector('nav.sidebar:not(.collapsed), .error-screen')"), "the first screen, reloaded");
      await firstScreen();
    }
    return app;
  }

  async quit({ keepDir = false } = {}) {
    try {
      await req("DELETE", `/session/${this.id}`);
    } finally {
      if (!keepDir) rmSync(this.dir, { recursive: true, force: true });
    }
  }

  exec(script, ...args) {
    return req("POST", `/session/${this.id}/execute/sync`, { script, args });
  }

  async find(css) {
    const v = await req("POST", `/session/${this.id}/element`, { using: "css selector", value: css });
    return v[ELEMENT];
  }

  /** Waits for a visible element and returns its id. */
  async el(css, ms) {
    return waitFor(async () => {
      await this.openMenuOf(css);
      const id = await this.find(css);
      const shown = await req("GET", `/session/${this.id}/element/${id}/displayed`);
      return shown ? id : null;
    }, css, ms);
  }

  /** A control inside a closed toolbar menu («Stampa ▾»): its menu is opened
   * first, as a user would (MenuButton.svelte). `text` matches by text. */
  async openMenuOf(css, text) {
    await this.exec(
      `const all = [...document.querySelectorAll(arguments[0])];
       const el = arguments[1] === null ? all[0] : all.find((e) => e.textContent.trim() === arguments[1]);
       const menu = el?.closest('[role=menu][hidden]');
       if (menu) document.querySelector('[aria-controls="' + menu.id + '"]').click();
       return true;`,
      css,
      text ?? null,
    );
  }

  /** Clicks the element `id` after scrolling it to the middle of the window:
   * WebKitWebDriver's own scrolling leaves a control just below the bottom
   * edge "not interactable" for some layouts. */
  async clickId(id) {
    // Scrolled, then two frames for the page to settle: a click at a point the layout has just moved misses.
    await this.exec(
      "arguments[0].scrollIntoView({ block: 'center', inline: 'nearest' }); return new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(() => r(true))))",
      { [ELEMENT]: id },
    );
    await req("POST", `/session/${this.id}/element/${id}/click`, {});
  }

  async click(css) {
    const id = await this.el(css);
    await this.clickId(id);
  }

  /** Clicks the button (or link-like element) whose text is `text`. */
  async clickText(text, scope = "button") {
    const id = await waitFor(async () => {
      await this.openMenuOf(scope, text);
      const v = await req("POST", `/session/${this.id}/elements`, { using: "css selector", value: scope });
      for (const e of v) {
        const t = await req("GET", `/session/${this.id}/element/${e[ELEMENT]}/text`);
        if (t.trim() === text) return e[ELEMENT];
      }
      return null;
    }, `${scope} «${text}»`);
    await this.clickId(id);
  }

  async clear(css) {
    const id = await this.el(css);
    await req("POST", `/session/${this.id}/element/${id}/clear`, {});
  }

  async type(css, text) {
    const id = await this.el(css);
    await req("POST", `/session/${this.id}/element/${id}/value`, { text });
  }

  /** Types `text` into a field that may still be re-rendering (a form just
   * opened or changed): types again until the field holds all of it. */
  async typeWhole(css, text) {
    await waitFor(async () => {
      await this.clear(css);
      await this.type(css, text);
      return (await this.value(css)) === text;
    }, `${css} to hold «${text}»`);
  }

  /** Chooses the option with value `value` (or, with byText, that text) once it exists. */
  async select(css, value, { byText = false } = {}) {
    return waitFor(
      () =>
        this.exec(
          `const s = document.querySelector(arguments[0]);
           const o = s && [...s.options].find(o => arguments[2] ? o.textContent.trim() === arguments[1] : o.value === arguments[1]);
           if (!o) return null;
           s.value = o.value; s.dispatchEvent(new Event('change', {bubbles: true}));
           return o.value;`,
          css,
          value,
          byText,
        ),
      `option ${value} in ${css}`,
    );
  }

  /** Sets an input's value as a user's edit would (input and change events). */
  async fill(css, value) {
    await this.el(css);
    await this.exec(
      "const i = document.querySelector(arguments[0]); i.value = arguments[1]; i.dispatchEvent(new Event('input', {bubbles: true})); i.dispatchEvent(new Event('change', {bubbles: true}))",
      css,
      value,
    );
  }

  /** Words of the cells (and row headers) of `table` that the layout broke over two lines (a
   * word, a date, a code); a hyphen or an underscore the data has
   * («socio-assistenziali», «Delibera_di_Giunta») may end a line. */
  brokenWords(table) {
    return this.exec(
      `const out = [];
       for (const td of document.querySelectorAll(arguments[0] + ' td, ' + arguments[0] + ' tbody th')) {
         const walk = document.createTreeWalker(td, NodeFilter.SHOW_TEXT);
         for (let n = walk.nextNode(); n; n = walk.nextNode()) {
           const re = /[^\\s_-]+[-_]?/g;
           for (let m = re.exec(n.data); m; m = re.exec(n.data)) {
             const r = document.createRange();
             r.setStart(n, m.index);
             r.setEnd(n, m.index + m[0].length);
             const tops = new Set([...r.getClientRects()].filter((x) => x.width > 0).map((x) => Math.round(x.top)));
             if (tops.size > 1) out.push(m[0]);
           }
         }
       }
       return out;`,
      table,
    );
  }

  async text(css) {
    const id = await this.el(css);
    return req("GET", `/session/${this.id}/element/${id}/text`);
  }

  async value(css) {
    return this.exec("return document.querySelector(arguments[0]).value", css);
  }

  /** Sends keys to the focused element (W3C actions). */
  async keys(...keys) {
    const actions = [];
    for (const k of keys) actions.push({ type: "keyDown", value: k }, { type: "keyUp", value: k });
    await req("POST", `/session/${this.id}/actions`, { actions: [{ type: "key", id: "kb", actions }] });
  }

  /** Closes the toasts on screen (they may cover a control a test clicks). */
  async dismissToasts() {
    await this.exec("document.querySelectorAll('[aria-label=\"Chiudi messaggio\"]').forEach((b) => b.click())");
  }

  /** Presses `key` with Ctrl held. */
  async ctrl(key) {
    const CTRL = "\uE009";
    await req("POST", `/session/${this.id}/actions`, {
      actions: [{ type: "key", id: "kb", actions: [
        { type: "keyDown", value: CTRL }, { type: "keyDown", value: key },
        { type: "keyUp", value: key }, { type: "keyUp", value: CTRL },
      ] }],
    });
  }

  /** Presses `key` with the modifiers held (KEY.SHIFT, KEY.ALT, ...). */
  async chord(mods, key) {
    const down = mods.map((m) => ({ type: "keyDown", value: m }));
    const up = mods.map((m) => ({ type: "keyUp", value: m })).reverse();
    await req("POST", `/session/${this.id}/actions`, {
      actions: [{ type: "key", id: "kb", actions: [...down, { type: "keyDown", value: key }, { type: "keyUp", value: key }, ...up] }],
    });
  }

  /** The text of an open JavaScript dialog (confirm), or null. */
  async alertText() {
    try {
      return await req("GET", `/session/${this.id}/alert/text`);
    } catch {
      return null;
    }
  }

  async acceptAlert() {
    await req("POST", `/session/${this.id}/alert/accept`, {});
  }

  async dismissAlert() {
    await req("POST", `/session/${this.id}/alert/dismiss`, {});
  }

  async screenshot(file) {
    await this.exec("return new Promise(r => requestAnimationFrame(() => requestAnimationFrame(() => r(true))))");
    const b64 = await req("GET", `/session/${this.id}/screenshot`);
    const { writeFileSync } = await import("node:fs");
    writeFileSync(file, Buffer.from(b64, "base64"));
  }

  async nav(section) {
    await this.click(`[data-nav="${section}"]`);
    await this.settled();
  }

  /** After a change of screen: waits (briefly) for focus to reach the new screen, which scrolls it. */
  async settled() {
    await waitFor(() => this.exec("return !!document.activeElement?.closest('main')"), "focus on the new screen", 1500).catch(() => {});
  }

  /** axe-core's WCAG 2.1 A/AA violations on the page as it is now. */
  async axe() {
    axeSource ??= readFileSync(AXE, "utf8");
    // The source is the script's body: WebDriver runs it, the page's CSP forbids eval.
    if (!(await this.exec("return !!window.axe"))) await this.exec(`${axeSource}\n;return !!window.axe;`);
    return this.exec(`return axe.run(document, {
        runOnly: { type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"] },
        resultTypes: ["violations"],
      }).then((r) => r.violations.map((v) => ({
        id: v.id, impact: v.impact, help: v.help,
        nodes: v.nodes.slice(0, 6).map((n) => n.target.join(" ") + " :: " + (n.failureSummary || "").replace(/\\s+/g, " ").slice(0, 240)),
      })))`);
  }

  /** Fails if axe-core finds any WCAG 2.1 AA violation; `where` names the state. */
  async assertAxe(where) {
    // Let transitions and pending renders settle.
    await this.exec("return new Promise(r => requestAnimationFrame(() => requestAnimationFrame(() => r(true))))");
    const v = await this.axe();
    if (v.length) throw new Error(`axe-core, ${where}: ${v.length} violations\n${JSON.stringify(v, null, 1)}`);
  }

  /** A short description of the focused element (tag, id, data-testid, text). */
  focused() {
    return this.exec(`const a = document.activeElement;
      if (!a || a === document.body) return "body";
      const id = a.id ? "#" + a.id : "";
      const t = a.dataset && (a.dataset.testid || a.dataset.step || a.dataset.istat || a.dataset.nav || a.dataset.tab);
      return a.tagName.toLowerCase() + id + (t ? "[" + t + "]" : "") + " " + (a.getAttribute("aria-label") || a.textContent || "").trim().replace(/\\s+/g, " ").slice(0, 60);`);
  }

  /** Sets the window's size (CSS pixels of the viewport are a little smaller). */
  async resize(width, height) {
    await req("POST", `/session/${this.id}/window/rect`, { width, height });
    // The new size reaches the page a little later: clicks before it miss.
    await waitFor(() => this.exec("return Math.abs(window.outerWidth - arguments[0]) < 40", width), `the window at ${width}×${height}`, 5000).catch(() => {});
    await this.exec("window.scrollTo(0, 0); return new Promise(r => setTimeout(() => requestAnimationFrame(() => r(true)), 300))");
  }

  /** Text size as a percentage of the default (200: what a user with low vision may set). */
  async zoomText(percent) {
    await this.exec("document.documentElement.style.fontSize = arguments[0] + 'px'; window.scrollTo(0, 0); return true", (16 * percent) / 100);
    await this.exec("return new Promise(r => requestAnimationFrame(() => requestAnimationFrame(() => r(true))))");
  }
}

export const KEY = {
  ENTER: "\uE007", DOWN: "\uE015", UP: "\uE013", LEFT: "\uE012", RIGHT: "\uE014", ESCAPE: "\uE00C", TAB: "\uE004",
  SHIFT: "\uE008", ALT: "\uE00A", HOME: "\uE011", END: "\uE010", SPACE: "\uE00D", PAGE_DOWN: "\uE00F", BACKSPACE: "\uE003",
};

/** Waits for the native dialog whose title matches `title` and focuses it. */
function focusDialog(title) {
  // Only a mapped window: a dialog of the same title answered before may linger unmapped.
  const win = execFileSync("xdotool", ["search", "--sync", "--onlyvisible", "--name", title], { timeout: 15000 })
    .toString()
    .trim()
    .split("\n")[0];
  execFileSync("xdotool", ["windowfocus", "--sync", win], { timeout: 5000 });
  // GTK maps the dialog before its name entry has the proposed name and the
  // focus: typing at once may land before either.
  execFileSync("sleep", ["0.3"]);
  return win;
}

/** Whether the dialog is still shown: an answered GTK dialog may linger unmapped. */
function dialogShown(win, title) {
  try {
    const ids = execFileSync("xdotool", ["search", "--onlyvisible", "--name", title], { stdio: ["ignore", "pipe", "ignore"] }).toString();
    return ids.split("\n").includes(win);
  } catch {
    return false;
  }
}

/** Presses Return until the dialog is gone: the location entry's completion
 * popup may take the first one (it did, rarely, on CI). */
function acceptDialog(win, title) {
  for (let attempt = 0; attempt < 4; attempt++) {
    execFileSync("sleep", ["0.4"]);
    execFileSync("xdotool", ["key", "Return"]);
    for (let i = 0; i < 15; i++) {
      execFileSync("sleep", ["0.1"]);
      if (!dialogShown(win, title)) return;
    }
    try {
      execFileSync("xdotool", ["windowfocus", "--sync", win], { timeout: 2000 });
    } catch {
      return;
    }
  }
}

/** Opens a comune's page from the list through the search box; `query` must find only it. */
export async function openComune(app, query, name) {
  await app.nav("comuni");
  await app.clear("#search");
  await app.type("#search", query);
  await waitFor(
    // The name too: right after typing, the previous search's single row may still be shown.
    () => app.exec("const r = [...document.querySelectorAll('[data-testid=comuni-table] tbody tr')]; return r.length === 1 && [...r[0].cells[0].childNodes].filter((n) => n.nodeType === 3).map((n) => n.textContent).join('').trim() === arguments[0]", name),
    `${name} alone in the list`,
  );
  await app.exec("document.querySelector('[data-testid=comuni-table] tbody tr').click()");
  await waitFor(async () => (await app.text("h1")) === name, `the page of ${name}`);
  await app.settled();
}

/** Answers a native GTK save dialog titled `title` by typing `path` and Enter. */
export function answerSaveDialog(title, path) {
  const win = focusDialog(title);
  execFileSync("xdotool", ["key", "--clearmodifiers", "ctrl+a"]);
  execFileSync("xdotool", ["type", "--delay", "5", path]);
  acceptDialog(win, title);
}

/** Answers a GTK save dialog keeping the file name it proposes: the folder
 * is typed in front of it. */
export function answerSaveDialogInFolder(title, dir) {
  const win = focusDialog(title);
  execFileSync("xdotool", ["key", "--clearmodifiers", "Home"]);
  execFileSync("xdotool", ["type", "--delay", "5", `${dir}/`]);
  acceptDialog(win, title);
}

/** Answers a GTK folder chooser: the folder is typed in its location bar
 * and chosen. */
export function answerFolderDialog(title, dir) {
  const win = focusDialog(title);
  execFileSync("xdotool", ["key", "--clearmodifiers", "ctrl+l"]);
  execFileSync("xdotool", ["type", "--delay", "5", dir]);
  // Let the location bar's completion settle, then choose.
  execFileSync("sleep", ["0.5"]);
  acceptDialog(win, title);
}
