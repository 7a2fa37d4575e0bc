// Memory of the running app after opening every screen: PSS (proportional
// set size, shared pages split fairly) of the app process and of its WebKit
// web and network processes, and the pages each wrote (Private_Dirty), read
// from /proc/<pid>/smaps_rollup.
// Run: bench/memory.sh (release build, under Xvfb, through WebKitWebDriver).
import { readFileSync, readdirSync } from "node:fs";
import { App, waitFor } from "../tests/e2e/wd.mjs";

function rollup(pid, field) {
  const m = readFileSync(`/proc/${pid}/smaps_rollup`, "utf8").match(new RegExp(`^${field}:\\s+(\\d+) kB`, "m"));
  return m ? Number(m[1]) : 0;
}
const pss = (pid) => rollup(pid, "Pss");
// Pages this process wrote and holds alone (heaps, JavaScript, drawing):
// unlike PSS, not lowered when other WebKit apps (or another copy of this
// one) run at the same time and share the libraries' pages.
const written = (pid) => rollup(pid, "Private_Dirty");
// CPU time the process used so far (user + system, s): what a setting that
// trades memory for work (e.g. a smaller JavaScript heap) costs.
function cpu(pid) {
  const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
  const f = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  return (Number(f[11]) + Number(f[12])) / 100; // utime, stime in ticks of 1/100 s
}
// The process's mappings summed by what they map (a file, [heap], or
// [anonymous]), largest PSS first: [name, {pss, own}] in kB.
function mappings(pid) {
  const by = new Map();
  let name = null;
  for (const line of readFileSync(`/proc/${pid}/smaps`, "utf8").split("\n")) {
    const head = line.match(/^[0-9a-f]+-[0-9a-f]+ \S+ \S+ \S+ \S+\s*(.*)$/);
    if (head) {
      name = head[1] || "[anonymous]";
      if (!by.has(name)) by.set(name, { pss: 0, own: 0 });
      continue;
    }
    const f = line.match(/^(Pss|Private_Dirty):\s+(\d+) kB/);
    if (f && name) by.get(name)[f[1] === "Pss" ? "pss" : "own"] += Number(f[2]);
  }
  return [...by].sort((a, b) => b[1].pss - a[1].pss);
}
function procs() {
  return readdirSync("/proc")
    .filter((d) => /^\d+$/.test(d))
    .map((pid) => {
      try {
        const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
        const ppid = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
        const cmd = readFileSync(`/proc/${pid}/cmdline`, "utf8").replace(/\0/g, " ");
        return { pid: Number(pid), ppid, cmd };
      } catch {
        return null;
      }
    })
    .filter(Boolean);
}

const app = await App.start();
try {
  // Every section of the sidebar (all 13, Comunicazioni and «PIAO e
  // relazione annuale» included), and in each every tab (Rischi e misure,
  // Documenti, PIAO…) and every view switch (Formazione's month, list,
  // participants…), then a comune's page: the memory a day's work leaves.
  const sections = await app.exec("return [...document.querySelectorAll('[data-nav]')].map((b) => b.dataset.nav)");
  const visited = [];
  for (const s of sections) {
    await app.nav(s);
    await waitFor(async () => await app.exec("return !!document.querySelector('main h1') && !document.querySelector('.loading, [aria-busy=true]')"), `${s} loaded`, 15000);
    const settled = async (what) => {
      await new Promise((r) => setTimeout(r, 300)); // the screen's data asked for and drawn
      await waitFor(async () => !(await app.exec("return !!document.querySelector('.loading, [aria-busy=true]')")), what, 15000);
    };
    const tabs = await app.exec("return [...document.querySelectorAll('main [role=tab]')].map((t) => t.id).filter(Boolean)");
    for (const id of tabs) {
      await app.exec(`document.getElementById(${JSON.stringify(id)}).click()`);
      await settled(`${s} ${id}`);
    }
    // The view switches (buttons with aria-pressed: Formazione's month, list,
    // participants, hours…; the organigram's tree and list), each once.
    const switches = await app.exec("return [...document.querySelectorAll('main button[aria-pressed]')].map((b) => b.textContent.trim())");
    for (const label of switches) {
      await app.exec(
        `const b = [...document.querySelectorAll('main button[aria-pressed=false]')].find((b) => b.textContent.trim() === ${JSON.stringify(label)}); b?.click()`,
      );
      await settled(`${s} ${label}`);
    }
    const views = switches.length;
    const parts = [tabs.length && `${tabs.length} schede`, views && `${views} viste`].filter(Boolean);
    visited.push(parts.length ? `${s} (${parts.join(", ")})` : s);
  }
  await app.nav("comuni");
  await app.el("[data-testid=comuni-table] tbody tr");
  await app.exec("document.querySelector('[data-testid=comuni-table] tbody tr').click()");
  await app.el("[data-testid=comune-form]");
  visited.push("la pagina di un comune");
  await new Promise((r) => setTimeout(r, 1500)); // let the processes settle
  const all = procs();
  const main = all.find((p) => p.cmd.includes(app.dbPath));
  if (!main) throw new Error("app process not found");
  const children = all.filter((p) => p.ppid === main.pid);
  const rows = [main, ...children].map((p) => ({ name: p.cmd.split(" ")[0].split("/").pop(), kb: pss(p.pid), own: written(p.pid), cpu: cpu(p.pid) }));
  const total = rows.reduce((a, r) => a + r.kb, 0);
  const totalOwn = rows.reduce((a, r) => a + r.own, 0);
  const mib = (kb) => `${(kb / 1024).toFixed(1)} MiB`.padStart(10);
  console.log(`PSS of ${process.env.APP_BINARY ?? "the debug build"} after opening every screen: ${visited.join(", ")}`);
  const secs = (s) => `${s.toFixed(2)} s`.padStart(10);
  console.log(`  ${"".padEnd(24)} ${"PSS".padStart(10)} ${"written".padStart(10)} ${"CPU".padStart(10)}`);
  for (const r of rows) console.log(`  ${r.name.padEnd(24)} ${mib(r.kb)} ${mib(r.own)} ${secs(r.cpu)}`);
  console.log(`  ${"total".padEnd(24)} ${mib(total)} ${mib(totalOwn)} ${secs(rows.reduce((a, r) => a + r.cpu, 0))}`);
  // Libraries shared with other WebKit processes are split with them: the
  // PSS is then lower than on a machine where only this app runs.
  // MEMORY_DETAIL=<n>: each process's n largest mappings by PSS (libraries by
  // file, the heap, anonymous memory), to see what holds the memory.
  const detail = Number(process.env.MEMORY_DETAIL ?? 0);
  if (detail > 0) {
    for (const p of [main, ...children]) {
      console.log(`  ${p.cmd.split(" ")[0].split("/").pop()} (pid ${p.pid}): largest mappings, PSS / written`);
      for (const [name, m] of mappings(p.pid).slice(0, detail)) console.log(`    ${mib(m.pss)} ${mib(m.own)}  ${name}`);
    }
  }
  const ours = new Set([main.pid, ...children.map((c) => c.pid)]);
  const others = all.filter((p) => !ours.has(p.pid) && /WebKit(Web|Network)Process|comunita-pratiche/.test(p.cmd.split(" ")[0]));
  if (others.length) console.log(`  warning: ${others.length} other WebKit or app processes running: PSS undercounts, compare the written pages`);
} finally {
  await app.quit();
}
