// The mail kit of the Comunicazioni E2E files: a certificate authority of
// the test and a certificate for localhost signed by it, the real local SMTP
// server (python3-aiosmtpd, core/tests/comms/smtp_server.py) and IMAP server
// (Dovecot, core/tests/comms/imap_server.py) the core's tests use, PEC
// receipts as the rules describe them, and the keyboard's way through the
// screen (focus and a key; a toolbar menu with the arrows).
import assert from "node:assert/strict";
import { execFileSync, spawn } from "node:child_process";
import { mkdirSync, readFileSync, writeFileSync, existsSync } from "node:fs";
import { createServer } from "node:net";
import { join, resolve } from "node:path";
import { createInterface } from "node:readline";
import { KEY } from "./wd.mjs";

const SMTP = resolve("core/tests/comms/smtp_server.py");
const IMAP = resolve("core/tests/comms/imap_server.py");
export const USER = "segreteria";
export const PASSWORD = "Pàssword-di-prova";

export const freePort = () =>
  new Promise((ok) => {
    const s = createServer();
    s.listen(0, "127.0.0.1", () => {
      const { port } = s.address();
      s.close(() => ok(port));
    });
  });

/** A certificate authority and a certificate for localhost (and 127.0.0.1) signed by it, in `dir`. */
export function certs(dir) {
  const run = (...args) => execFileSync("openssl", args, { cwd: dir, stdio: "ignore" });
  run("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", "ca.key", "-out", "ca.pem", "-days", "2", "-subj", "/CN=CA di prova");
  run("req", "-newkey", "rsa:2048", "-nodes", "-keyout", "key.pem", "-out", "req.csr", "-subj", "/CN=localhost");
  writeFileSync(join(dir, "ext.cnf"), "subjectAltName=DNS:localhost,IP:127.0.0.1\nbasicConstraints=CA:FALSE\n");
  run("x509", "-req", "-in", "req.csr", "-CA", "ca.pem", "-CAkey", "ca.key", "-CAcreateserial", "-out", "cert.pem", "-days", "2", "-extfile", "ext.cnf");
  return { ca: join(dir, "ca.pem"), cert: join(dir, "cert.pem"), key: join(dir, "key.pem") };
}

/** Waits for the server's first line: «READY …» (its words), or fails. */
function ready(child, what) {
  return new Promise((ok, ko) => {
    createInterface({ input: child.stdout }).once("line", (l) => (l.startsWith("READY") ? ok(l.trim().split(/\s+/)) : ko(new Error(l))));
    child.once("exit", () => ko(new Error(`the ${what} server did not start`)));
  });
}

/** The SMTP server with STARTTLS; what it received, one object per message. */
export async function smtpServer(dir, c = certs(dir)) {
  const out = join(dir, "ricevuti");
  mkdirSync(out, { recursive: true });
  const port = await freePort();
  const child = spawn("/usr/bin/python3", [SMTP, out, String(port), "starttls", c.cert, c.key, USER, PASSWORD], { stdio: ["ignore", "pipe", "inherit"] });
  await ready(child, "SMTP (python3-aiosmtpd installed?)");
  const received = () => (existsSync(join(out, "received.jsonl")) ? readFileSync(join(out, "received.jsonl"), "utf8").trim().split("\n").filter(Boolean).map((l) => JSON.parse(l)) : []);
  return { port, ca: c.ca, out, received, stop: () => child.kill() };
}

/** The IMAP server (Dovecot, not a daemon): STARTTLS on `plain`, implicit TLS on `tls`; `append` delivers messages with IMAP APPEND. */
export async function imapServer(dir, c) {
  const home = join(dir, "imap");
  mkdirSync(home, { recursive: true });
  const child = spawn("/usr/bin/python3", [IMAP, home, c.cert, c.key, USER, PASSWORD], { stdio: ["ignore", "pipe", "inherit"] });
  const [, plain, tls] = await ready(child, "IMAP (dovecot-imapd installed?)");
  let n = 0;
  const append = (...messages) => {
    const files = messages.map((m) => {
      const f = join(home, `append-${++n}.eml`);
      writeFileSync(f, m);
      return f;
    });
    return execFileSync("/usr/bin/python3", [IMAP, "append", plain, USER, PASSWORD, "INBOX", ...files]).toString().trim().split("\n").map(Number);
  };
  return { plain: Number(plain), tls: Number(tls), append, stop: () => child.kill() };
}

/** A delivery receipt as the PEC rules describe it (daticert.xml in base64), certified on 14/06/2027 at 10:00:05. */
export function deliveryReceipt(msgid, to, subject = "Convocazione") {
  const esc = (s) => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
  const xml = `<?xml version="1.0" encoding="UTF-8"?>\n<postacert tipo="avvenuta-consegna" errore="nessuno"><intestazione><mittente>segreteria@pec.cittametropolitana.me.it</mittente><destinatari tipo="certificato">${esc(to)}</destinatari><risposte>segreteria@pec.cittametropolitana.me.it</risposte><oggetto>${esc(subject)}</oggetto></intestazione><dati><gestore-emittente>Gestore di prova</gestore-emittente><data zona="+0200"><giorno>14/06/2027</giorno><ora>10:00:05</ora></data><identificativo>opec.1@pec.gestore.it</identificativo><msgid>${esc(msgid)}</msgid><consegna>${esc(to)}</consegna></dati></postacert>\n`;
  const b64 = Buffer.from(xml).toString("base64").replace(/.{76}/g, "$&\r\n");
  return `From: posta-certificata@pec.gestore.it\r\nTo: segreteria@pec.cittametropolitana.me.it\r\nSubject: CONSEGNA: ${subject}\r\nX-Ricevuta: avvenuta-consegna\r\nX-Riferimento-Message-ID: ${msgid}\r\nMIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary="b1"\r\n\r\n--b1\r\nContent-Type: text/plain; charset=UTF-8\r\n\r\nRicevuta di avvenuta consegna\r\n--b1\r\nContent-Type: application/xml; name="daticert.xml"\r\nContent-Disposition: inline; filename="daticert.xml"\r\nContent-Transfer-Encoding: base64\r\n\r\n${b64}\r\n--b1--\r\n`;
}

/** Focuses a control and presses a key on it (Enter by default). */
export async function press(app, css, key = KEY.ENTER) {
  await app.el(css);
  await app.exec("const e = document.querySelector(arguments[0]); e.scrollIntoView({ block: 'center' }); e.focus(); return true;", css);
  await app.keys(key);
}

/** Opens a toolbar menu with Enter and goes down to its item `testid`. */
export async function menuItem(app, menu, testid) {
  await press(app, `[data-testid=${menu}]`);
  for (let i = 0; i < 10; i++) {
    if (await app.exec("return document.activeElement?.dataset.testid === arguments[0]", testid)) break;
    await app.keys(KEY.DOWN);
  }
  assert.ok(await app.exec("return document.activeElement?.dataset.testid === arguments[0]", testid), `the menu item ${testid}`);
  await app.keys(KEY.ENTER);
}
