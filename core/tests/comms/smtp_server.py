"""A real local SMTP server for the tests (Debian's python3-aiosmtpd).

Implicit TLS or STARTTLS on a certificate the test made, AUTH PLAIN/LOGIN
with one user. Each message accepted is written to OUT/<n>.eml and, parsed
by Python's email package as a mail client reads it (RFC 2047 subjects,
RFC 2231 file names decoded), appended as one JSON line to
OUT/received.jsonl, written BEFORE the server answers 250: what the
file lists is exactly what the server accepted. A recipient whose address
contains "rifiuta" is refused with 550.

usage: smtp_server.py OUT PORT MODE(tls|starttls) CERT KEY USER PASSWORD
"""

import asyncio
import email
import email.header
import email.policy
import json
import os
import ssl
import sys

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword

out, port, mode, cert, key, user, password = sys.argv[1:8]
if os.environ.get("SMTP_LOG"):
    import logging

    logging.basicConfig(level=logging.DEBUG)
port = int(port)
counter = [0]


class Handler:
    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if "rifiuta" in address:
            return "550 5.1.1 Destinatario inesistente"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        counter[0] += 1
        raw = envelope.original_content or envelope.content
        with open(os.path.join(out, f"{counter[0]:05d}.eml"), "wb") as f:
            f.write(raw)
        msg = email.message_from_bytes(raw, policy=email.policy.default)
        attachments = []
        for part in msg.iter_attachments():
            payload = part.get_content()
            attachments.append(
                {
                    "name": part.get_filename(),
                    "type": part.get_content_type(),
                    "bytes": len(payload) if isinstance(payload, (bytes, bytearray)) else len(str(payload)),
                    "pdf": isinstance(payload, (bytes, bytearray)) and payload.startswith(b"%PDF-"),
                }
            )
        body = msg.get_body(preferencelist=("plain",))
        # Headers decoded by RFC 2047 as mail clients do (email.header: the
        # address parser of policy.default puts a space between adjacent
        # encoded words of a display name, which RFC 2047 says to ignore).
        legacy = email.message_from_bytes(raw, policy=email.policy.compat32)

        def decoded(name):
            return str(email.header.make_header(email.header.decode_header(legacy[name])))

        line = {
            "message_id": str(msg["Message-ID"]),
            "rcpt": envelope.rcpt_tos,
            "mail_from": envelope.mail_from,
            "to": decoded("To"),
            "from": decoded("From"),
            "subject": str(msg["Subject"]),
            "raw_subject": str(legacy["Subject"]),
            "text": body.get_content() if body is not None else "",
            "attachments": attachments,
        }
        with open(os.path.join(out, "received.jsonl"), "a", encoding="utf-8") as f:
            f.write(json.dumps(line, ensure_ascii=False) + "\n")
            f.flush()
        return "250 OK"


def authenticator(server, session, envelope, mechanism, auth_data):
    if isinstance(auth_data, LoginPassword):
        if auth_data.login.decode() == user and auth_data.password.decode() == password:
            return AuthResult(success=True)
    return AuthResult(success=False, handled=False, message="535 5.7.8 Credenziali non valide")


context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
context.load_cert_chain(cert, key)
kwargs = dict(
    hostname="127.0.0.1",
    port=port,
    authenticator=authenticator,
    # With implicit TLS every session is encrypted: aiosmtpd only knows it
    # for STARTTLS, so it is told not to wait for it.
    auth_require_tls=(mode == "starttls"),
    server_hostname="localhost",
)
if mode == "tls":
    controller = Controller(Handler(), ssl_context=context, **kwargs)
else:
    controller = Controller(Handler(), tls_context=context, require_starttls=True, **kwargs)
controller.start()
print("READY", flush=True)
try:
    asyncio.get_event_loop().run_forever()
finally:
    controller.stop()
