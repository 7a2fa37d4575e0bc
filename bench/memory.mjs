// Memory of the running app after opening every screen: PSS (proportional
// set size, shared pages split fairly) of the app process and of its WebKit
// web and network processes, read from /proc/<pid>/smaps_rollup.
// Run: bench/memory.sh (release build, under Xvfb, through WebKitWebDriver).
import { readFileSync, readdirSync } from "node:fs";
import { App, waitFor } from "../tests/e2e/wd.mjs";

function pss(pid) {
  const m = readFileSync(`/proc/${pid}/smaps_rollup`, "utf8").match(/^Pss:\s+(\d+) kB/m);
  return m ? Number(m[1]) : 0;
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
  // Every section of the sidebar, and in each every tab (Rischi e misure,
  // Documenti…) and every view switch (Formazione's month and list), then a
  // comune's page: the memory a day's work leaves.
  const sections = await app.exec("return [...document.querySelectorAll('[data-nav]')].map((b) => b.dataset.nav)");
  const visited = [];
  for (const s of sections) {
    await app.nav(s);
    await waitFor(async () => await app.exec("return !!document.querySelector('main h1') && !document.querySelector('.loading, [aria-busy=true]')"), `${s} loaded`, 15000);
    const tabs = await app.exec("return [...document.querySelectorAll('main [role=tab]')].map((t) => t.id).filter(Boolean)");
    for (const id of tabs) {
      await app.exec(`document.getElementById(${JSON.stringify(id)}).click()`);
      await waitFor(async () => !(await app.exec("return !!document.querySelector('.loading, [aria-busy=true]')")), `${s} ${id}`, 15000);
    }
    visited.push(tabs.length ? `${s} (${tabs.length} schede)` : s);
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
  const rows = [main, ...children].map((p) => ({ name: p.cmd.split(" ")[0].split("/").pop(), kb: pss(p.pid) }));
  const total = rows.reduce((a, r) => a + r.kb, 0);
  console.log(`PSS after opening every screen: ${visited.join(", ")}`);
  for (const r of rows) console.log(`  ${r.name.padEnd(24)} ${(r.kb / 1024).toFixed(1)} MiB`);
  console.log(`  ${"total".padEnd(24)} ${(total / 1024).toFixed(1)} MiB`);
} finally {
  await app.quit();
}
