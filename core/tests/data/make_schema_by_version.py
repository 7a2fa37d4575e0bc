#!/usr/bin/env python3
"""Writes schema_by_version.txt: the sqlite_master of each version, made by
running core/migrations/*.sql in their numbered order (as schema.rs's `dump`
prints it), then "migrated" (every migration). Versions already in the file
must come out the same (a released migration never changes): checked here.
Run from the repository's root after adding a migration:
    python3 core/tests/data/make_schema_by_version.py"""
import pathlib
import sqlite3

ROOT = pathlib.Path(__file__).resolve().parents[3]
GOLDEN = ROOT / "core/tests/data/schema_by_version.txt"
migrations = sorted((ROOT / "core/migrations").glob("[0-9][0-9][0-9][0-9]_*.sql"))
numbers = [int(p.name[:4]) for p in migrations]
assert numbers == list(range(1, len(numbers) + 1)), f"migrations not contiguous: {numbers}"


def dump(conn):
    out = f"user_version {conn.execute('PRAGMA user_version').fetchone()[0]}\n"
    for kind, name, table, sql in conn.execute(
        "SELECT type, name, tbl_name, coalesce(sql, '') FROM sqlite_master "
        "WHERE name NOT LIKE 'sqlite_%' ORDER BY type, name"
    ):
        out += f"{kind} {name} on {table}\n{sql}\n"
    return out


def at(k):
    conn = sqlite3.connect(":memory:")
    for p in migrations[:k]:
        conn.executescript(p.read_text(encoding="utf-8"))
    conn.execute(f"PRAGMA user_version={k}")
    return dump(conn)


def section(text, name):
    head = f"== {name}\n"
    if head not in text:
        return None
    start = text.index(head) + len(head)
    end = text.find("== ", start)
    return text[start:] if end < 0 else text[start:end]


old = GOLDEN.read_text(encoding="utf-8") if GOLDEN.exists() else ""
out = ""
for k in range(len(migrations) + 1):
    d = at(k)
    before = section(old, f"version {k}")
    if before is not None and k < len(migrations) - 1:
        assert before == d, f"version {k} changed: a released migration was edited"
    out += f"== version {k}\n{d}"
out += "== migrated\n" + at(len(migrations))
GOLDEN.write_text(out, encoding="utf-8")
print(f"{GOLDEN.relative_to(ROOT)}: versions 0 to {len(migrations)}")
