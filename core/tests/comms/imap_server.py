"""A real local IMAP server for the tests (Debian's dovecot-imapd).

Serve:  imap_server.py DIR CERT KEY USER PASSWORD
    Writes a Dovecot configuration in DIR (a passwd-file with one user, a
    Maildir under DIR/mail, TLS on the certificate the test made), starts
    `dovecot -F` (not a daemon: it stops when this script is killed, even
    by SIGKILL) and prints «READY <starttls port> <tls port>» once both
    ports accept connections. Port 1: plain, with STARTTLS; port 2:
    implicit TLS.

Append: imap_server.py append PORT USER PASSWORD FOLDER FILE...
    Appends each file as a message to FOLDER with IMAP APPEND (over the
    plain port: Dovecot trusts 127.0.0.1) and prints its UID, one a line.

Run as root (a container), the mail processes run as `nobody` (Dovecot
refuses root) and Dovecot's own users for its internal and login
processes; run as a user, everything runs as that user.
"""

import ctypes
import imaplib
import os
import pwd
import grp
import signal
import socket
import subprocess
import sys
import tempfile
import time


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def serve(dir, cert, key, user, password):
    dir = os.path.abspath(dir)
    mail = os.path.join(dir, "mail")
    run = os.path.join(dir, "dovecot-run")
    os.makedirs(mail, exist_ok=True)
    os.makedirs(run, exist_ok=True)
    if os.geteuid() == 0:
        internal, internal_group, login = "dovecot", "dovecot", "dovenull"
        mail_user, mail_group = "nobody", grp.getgrgid(pwd.getpwnam("nobody").pw_gid).gr_name
        # The mail processes (as nobody) cannot reach into the test's own
        # folder (0700): their Maildir goes in a folder of theirs under /tmp.
        # Nor can Dovecot's own users read its passwd-file there.
        shared = tempfile.mkdtemp(prefix="cdp-imap-")
        os.chmod(shared, 0o755)
        mail = os.path.join(shared, "mail")
        os.makedirs(mail)
        os.chown(mail, pwd.getpwnam("nobody").pw_uid, pwd.getpwnam("nobody").pw_gid)
        first_uid = 1
        passwd = os.path.join(shared, "passwd")
    else:
        me = pwd.getpwuid(os.geteuid())
        internal, internal_group, login = me.pw_name, grp.getgrgid(os.getegid()).gr_name, me.pw_name
        mail_user, mail_group = me.pw_name, internal_group
        first_uid = min(500, os.geteuid())
        passwd = os.path.join(dir, "passwd")
    with open(passwd, "w", encoding="utf-8") as f:
        f.write(f"{user}:{{PLAIN}}{password}::::::\n")
    plain, tls = free_port(), free_port()
    conf = os.path.join(dir, "dovecot.conf")
    with open(conf, "w", encoding="utf-8") as f:
        f.write(
            f"""protocols = imap
listen = 127.0.0.1
base_dir = {run}
state_dir = {run}/state
log_path = {dir}/dovecot.log
info_log_path = {dir}/dovecot.log
default_internal_user = {internal}
default_internal_group = {internal_group}
default_login_user = {login}
first_valid_uid = {first_uid}
ssl = yes
ssl_cert = <{os.path.abspath(cert)}
ssl_key = <{os.path.abspath(key)}
auth_mechanisms = plain login
auth_failure_delay = 0
disable_plaintext_auth = yes
passdb {{
  driver = passwd-file
  args = scheme=PLAIN username_format=%u {passwd}
}}
userdb {{
  driver = static
  args = uid={mail_user} gid={mail_group} home={mail}/%u
}}
mail_location = maildir:~/Maildir
service imap-login {{
  chroot =
  inet_listener imap {{
    port = {plain}
  }}
  inet_listener imaps {{
    port = {tls}
    ssl = yes
  }}
}}
service anvil {{
  chroot =
}}
"""
        )
    libc = ctypes.CDLL(None)
    # Dovecot gets SIGTERM when this script dies, however it dies.
    child = subprocess.Popen(
        ["dovecot", "-F", "-c", conf],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        preexec_fn=lambda: libc.prctl(1, signal.SIGTERM),
    )
    # Not wait() here: the main thread is in it (its lock), which would deadlock.
    signal.signal(signal.SIGTERM, lambda *_: (child.terminate(), sys.exit(0)))
    for port in (plain, tls):
        while True:
            if child.poll() is not None:
                log = open(os.path.join(dir, "dovecot.log"), encoding="utf-8", errors="replace").read()
                print(f"FAILED dovecot exited: {log}", flush=True)
                sys.exit(1)
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                time.sleep(0.05)
    print(f"READY {plain} {tls}", flush=True)
    child.wait()


def append(port, user, password, folder, files):
    m = imaplib.IMAP4("127.0.0.1", int(port))
    m.authenticate("PLAIN", lambda _: b"\0" + user.encode() + b"\0" + password.encode())
    if folder.upper() != "INBOX":
        m.create(folder)  # NO when it exists already: fine
    for path in files:
        with open(path, "rb") as f:
            typ, data = m.append(folder, None, None, f.read())
        assert typ == "OK", data
        # [APPENDUID <uidvalidity> <uid>] Append completed.
        print(data[0].decode().split("]")[0].split()[-1], flush=True)
    m.logout()


if __name__ == "__main__":
    if sys.argv[1] == "append":
        append(*sys.argv[2:6], sys.argv[6:])
    else:
        serve(*sys.argv[1:6])
