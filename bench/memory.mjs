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
  const screens = ["cruscotto", "comuni", "zone", "mappa", "impostazioni", "informazioni"];
  for (const s of screens) {
    await app.nav(s);
    await waitFor(async () => !(await app.exec("return !!document.querySelector('.loading')")), `${s} loaded`);
  }
  await app.nav("comuni");
  await app.el("[data-testid=comuni-table] tbody tr");
  await app.exec("document.querySelector('[data-testid=comuni-table] tbody tr').click()");
  await app.el("[data-testid=comune-form]");
  await new Promise((r) => setTimeout(r, 1500)); // let the processes settle
  const all = procs();
  const main = all.find((p) => p.cmd.includes(app.dbPath));
  if (!main) throw new Error("app process not found");
  const children = all.filter((p) => p.ppid === main.pid);
  const rows = [main, ...children].map((p) => ({ name: p.cmd.split(" ")[0].split("/").pop(), kb: pss(p.pid) }));
  const total = rows.reduce((a, r) => a + r.kb, 0);
  console.log("PSS after opening every screen (Cruscotto, Comuni, a comune, Zone, Mappa, Impostazioni, Fonti):");
  for (const r of rows) console.log(`  ${r.name.padEnd(24)} ${(r.kb / 1024).toFixed(1)} MiB`);
  console.log(`  ${"total".padEnd(24)} ${(total / 1024).toFixed(1)} MiB`);
} finally {
  await app.quit();
}
