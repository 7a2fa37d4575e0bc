#!/usr/bin/env python3
"""A comune's answer to a «richiesta di scheda», as the E2E test needs it:
takes the .xlsx attached to a message the local SMTP server saved (EML),
writes values into cells of its first sheet the way a spreadsheet program
saves typed text (inline strings), and saves the workbook as OUT.

    scheda.py MESSAGE.eml OUT.xlsx C8=attuata D8=10/06/2027 ...

Only the standard library: email for the message, zipfile and re for the
workbook (every other part of the file is kept as it was)."""
import email
import email.policy
import re
import sys
import zipfile
from io import BytesIO
from xml.sax.saxutils import escape


def main(eml, out, edits):
    msg = email.message_from_bytes(open(eml, "rb").read(), policy=email.policy.default)
    xlsx = next(p.get_content() for p in msg.iter_attachments() if p.get_filename().endswith(".xlsx"))
    src = zipfile.ZipFile(BytesIO(xlsx))
    sheet = src.read("xl/worksheets/sheet1.xml").decode("utf-8")
    for ref, value in edits:
        cell = re.compile(r'<c r="%s"(?P<attrs>[^>]*?)(?:/>|>.*?</c>)' % ref)
        m = cell.search(sheet)
        if not m:
            sys.exit(f"cell {ref} not in the sheet")
        style = re.search(r's="\d+"', m.group("attrs"))
        new = '<c r="%s"%s t="inlineStr"><is><t>%s</t></is></c>' % (ref, " " + style.group(0) if style else "", escape(value))
        sheet = sheet[: m.start()] + new + sheet[m.end():]
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for item in src.infolist():
            data = sheet.encode("utf-8") if item.filename == "xl/worksheets/sheet1.xml" else src.read(item.filename)
            dst.writestr(item, data)


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2], [a.split("=", 1) for a in sys.argv[3:]])
