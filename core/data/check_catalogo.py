#!/usr/bin/env python3
"""Checks core/data/catalogo_rischi.json against /work/catalogue-format.md.

Usage: python3 core/data/check_catalogo.py [path] [--final]
Without --final only the first-version minimums are errors (3 processes, 5 events,
5 measures); with --final the full minimums of issue 12 are errors too.
Exit status 0 when no error was found.
"""
import datetime
import json
import sys

LEVELS = {"B": 0, "M": 1, "A": 2}
KINDS = {"on_off", "quantitativo", "percentuale"}
BOX8 = 6
errors = []
warnings = []


def err(where, msg):
    errors.append(f"{where}: {msg}")


def text(obj, key, where, minlen=3):
    v = obj.get(key)
    if not isinstance(v, str) or len(v.strip()) < minlen:
        err(where, f"«{key}» missing or too short")
        return ""
    return v


# Length limits of the loader's validation (core/src/risks/, branch risks).
LIMITS = {"area.name": 300, "process.name": 300, "event.description": 1000,
          "motivazione": 4000, "measure.title": 300, "measure.description": 10000,
          "measure.expected": 4000, "measure.source": 300, "responsabile": 200,
          "phase.description": 500, "indicator.name": 300}


def limit(value, key, where):
    if isinstance(value, str) and len(value) > LIMITS[key]:
        err(where, f"{key} longer than {LIMITS[key]} characters ({len(value)})")


def date(v, where, key):
    try:
        return datetime.date.fromisoformat(v)
    except (TypeError, ValueError):
        err(where, f"«{key}» is not an ISO date (aaaa-mm-gg): {v!r}")
        return None


def number(v):
    try:
        x = float(v)
    except (TypeError, ValueError):
        return None
    return x


def unique(items, kind):
    seen = {}
    for i, it in enumerate(items):
        c = it.get("code") if isinstance(it, dict) else None
        if not isinstance(c, str) or not c:
            err(f"{kind}[{i}]", "missing code")
            continue
        if c in seen:
            err(f"{kind} {c}", "duplicate code")
        seen[c] = it
    return seen


def check_value(kind, v, where):
    if not isinstance(v, str):
        err(where, f"value must be a string, found {v!r}")
        return
    if kind == "on_off":
        if v not in ("0", "1"):
            err(where, f"on_off value must be \"0\" or \"1\", found {v!r}")
    else:
        x = number(v)
        if x is None:
            err(where, f"{kind} value is not a number: {v!r}")
        elif x < 0:
            err(where, f"{kind} value is negative: {v!r}")
        elif kind == "percentuale" and x > 100:
            err(where, f"percentuale over 100: {v!r}")


def main():
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    final = "--final" in sys.argv
    path = args[0] if args else "core/data/catalogo_rischi.json"
    with open(path, encoding="utf-8") as f:
        cat = json.load(f)

    for k in ("title", "status", "reference_date"):
        text(cat, k, "catalogue")
    date(cat.get("reference_date"), "catalogue", "reference_date")
    for k in ("sources", "areas", "factors", "measure_types", "general_measures",
              "processes", "events", "measures"):
        if not isinstance(cat.get(k), list):
            err("catalogue", f"«{k}» must be a list")
            cat[k] = []

    sources = unique(cat["sources"], "sources")
    for c, s in sources.items():
        text(s, "citation", f"source {c}", 10)

    def src(obj, where, required=True):
        v = obj.get("source")
        if not v:
            if required:
                err(where, "missing source")
            return
        for part in v.split(","):
            if part.strip() not in sources:
                err(where, f"source {part.strip()!r} is not in «sources»")

    areas = unique(cat["areas"], "areas")
    for c, a in areas.items():
        text(a, "name", f"area {c}")
        limit(a.get("name"), "area.name", f"area {c}")
        if a.get("kind") not in ("generale", "specifica"):
            err(f"area {c}", "kind must be generale or specifica")
        src(a, f"area {c}")
    if sum(a.get("kind") == "generale" for a in areas.values()) < 8:
        err("areas", "fewer than 8 general areas")
    if sum(a.get("kind") == "specifica" for a in areas.values()) < 3:
        err("areas", "fewer than 3 specific areas")

    factors = unique(cat["factors"], "factors")
    for c, f_ in factors.items():
        text(f_, "name", f"factor {c}")
        src(f_, f"factor {c}")
    if len(factors) != 8:
        err("factors", f"expected the 8 ANAC factors, found {len(factors)}")

    types = unique(cat["measure_types"], "measure_types")
    for c, t in types.items():
        text(t, "name", f"measure type {c}")
        src(t, f"measure type {c}")
    if len(types) != 11:
        err("measure_types", f"expected the 11 PNA 2019 types, found {len(types)}")

    gms = unique(cat["general_measures"], "general_measures")
    for c, g in gms.items():
        text(g, "name", f"general measure {c}")
        text(g, "reference", f"general measure {c}")
    if len(gms) < 13:
        err("general_measures", f"expected at least 13, found {len(gms)}")

    procs = unique(cat["processes"], "processes")
    for c, p in procs.items():
        w = f"process {c}"
        if p.get("area") not in areas:
            err(w, f"area {p.get('area')!r} does not resolve")
        text(p, "name", w)
        limit(p.get("name"), "process.name", w)
        text(p, "office", w)
        ph = p.get("phases")
        if not isinstance(ph, list) or not ph or not all(isinstance(x, str) and x.strip() for x in ph):
            err(w, "phases must be a non-empty list of texts")
        if not isinstance(p.get("simplified"), bool):
            err(w, "simplified must be true or false")

    events = unique(cat["events"], "events")
    for c, e in events.items():
        w = f"event {c}"
        if e.get("process") not in procs:
            err(w, f"process {e.get('process')!r} does not resolve")
        text(e, "description", w, 20)
        limit(e.get("description"), "event.description", w)
        fs = e.get("factors")
        if not isinstance(fs, list) or not fs:
            err(w, "factors must be a non-empty list")
        else:
            for f_ in fs:
                if f_ not in factors:
                    err(w, f"factor {f_!r} does not resolve")
            if len(set(fs)) != len(fs):
                err(w, "factor listed twice")
        r = e.get("rating")
        if not isinstance(r, dict):
            err(w, "rating missing")
            continue
        ind = r.get("indicators")
        if not isinstance(ind, list) or len(ind) != BOX8:
            err(w, f"rating needs exactly {BOX8} indicators (Box 8)")
            ind = ind if isinstance(ind, list) else []
        top = -1
        for i, x in enumerate(ind):
            wi = f"{w} indicator I{i + 1}"
            if not isinstance(x, dict) or x.get("level") not in LEVELS:
                err(wi, "level must be B, M or A")
            else:
                top = max(top, LEVELS[x["level"]])
            if isinstance(x, dict):
                text(x, "motivazione", wi, 15)
                limit(x.get("motivazione"), "motivazione", wi)
        ov = r.get("overall")
        if ov not in LEVELS:
            err(w, "overall must be B, M or A")
        mot = text(r, "motivazione", f"{w} overall", 15)
        limit(mot, "motivazione", f"{w} overall")
        low = mot.lower()
        if ov in LEVELS and LEVELS[ov] < top and not (
                "prudenza" in low and ("inferiore" in low or "più basso" in low)):
            err(w, "overall lower than the highest indicator: the motivazione must say that "
                   "the level is lower («inferiore»/«più basso») and why the prudence "
                   "principle («prudenza») allows it")

    measures = unique(cat["measures"], "measures")
    treated = set()
    gm_used = {}
    for c, m in measures.items():
        w = f"measure {c}"
        text(m, "title", w)
        text(m, "description", w, 30)
        text(m, "expected", w, 15)
        limit(m.get("title"), "measure.title", w)
        limit(m.get("description"), "measure.description", w)
        limit(m.get("expected"), "measure.expected", w)
        limit(m.get("source"), "measure.source", w)
        g = m.get("general")
        if not isinstance(g, bool):
            err(w, "general must be true or false")
        if g is True:
            if m.get("general_measure") not in gms:
                err(w, f"general_measure {m.get('general_measure')!r} does not resolve")
            else:
                gm_used.setdefault(m["general_measure"], []).append(c)
        elif g is False and m.get("general_measure") is not None:
            err(w, "a specific measure has general_measure null")
        if m.get("type") not in types:
            err(w, f"type {m.get('type')!r} does not resolve")
        ev = m.get("events")
        if not isinstance(ev, list):
            err(w, "events must be a list")
            ev = []
        for e in ev:
            if e not in events:
                err(w, f"event {e!r} does not resolve")
            treated.add(e)
        if g is False and not ev:
            err(w, "a specific measure treats at least one event")
        if not isinstance(m.get("cost"), bool):
            err(w, "cost must be true or false")
        resp = m.get("responsabili")
        if not isinstance(resp, list) or not resp or not all(isinstance(x, str) and x.strip() for x in resp):
            err(w, "responsabili must be a non-empty list of offices/roles")
        else:
            for r_ in resp:
                limit(r_, "responsabile", w)
        phs = m.get("phases")
        if not isinstance(phs, list) or not phs:
            err(w, "at least one phase")
            phs = []
        last = None
        for i, ph in enumerate(phs):
            wp = f"{w} phase {i + 1}"
            text(ph, "description", wp, 10)
            limit(ph.get("description"), "phase.description", wp)
            d = date(ph.get("due"), wp, "due")
            if d and not (2027 <= d.year <= 2028):
                err(wp, f"due date {d} outside 2027–2028")
            if d and last and d < last:
                warnings.append(f"{wp}: due date earlier than the previous phase")
            last = d or last
        inds = m.get("indicators")
        if not isinstance(inds, list) or not inds:
            err(w, "at least one indicator")
            inds = []
        for i, x in enumerate(inds):
            wi = f"{w} indicator {i + 1}"
            text(x, "name", wi, 10)
            limit(x.get("name"), "indicator.name", wi)
            k = x.get("kind")
            if k not in KINDS:
                err(wi, f"kind must be one of {sorted(KINDS)}")
            else:
                check_value(k, x.get("baseline"), wi + " baseline")
                check_value(k, x.get("target"), wi + " target")
            bd = date(x.get("baseline_date"), wi, "baseline_date")
            td = date(x.get("target_date"), wi, "target_date")
            if bd and td and td <= bd:
                err(wi, "target_date must come after baseline_date")
            if td and not (2027 <= td.year <= 2028):
                warnings.append(f"{wi}: target_date {td} outside 2027–2028")
            if x.get("baseline") == x.get("target"):
                warnings.append(f"{wi}: target equals baseline")
        src(m, w)

    for g in gms:
        if g not in gm_used:
            err(f"general measure {g}", "no catalogue measure implements it")
    for e in events:
        if e not in treated:
            err(f"event {e}", "not treated by any measure")
    for p in procs:
        if not any(e.get("process") == p for e in events.values()):
            warnings.append(f"process {p}: no event mapped")

    per_area = {a: [0, 0] for a in areas}
    for p in procs.values():
        if p.get("area") in per_area:
            per_area[p["area"]][0] += 1
    for e in events.values():
        p = procs.get(e.get("process"))
        if p and p.get("area") in per_area:
            per_area[p["area"]][1] += 1

    n_p, n_e, n_m = len(procs), len(events), len(measures)
    mins = [(n_p >= 3, "at least 3 processes"), (n_e >= 5, "at least 5 events"),
            (n_m >= 5, "at least 5 measures")]
    full = [(n_p >= 25, "at least 25 processes"), (n_e >= 40, "at least 40 events"),
            (n_m >= 40, "at least 40 measures")]
    for a, (np_, ne) in per_area.items():
        full.append((np_ >= 1, f"area {a}: at least 1 process"))
        full.append((ne >= 2, f"area {a}: at least 2 events"))
    for ok, what in mins:
        if not ok:
            err("minimums", what)
    for ok, what in full:
        if not ok:
            if final:
                err("minimums (final)", what)
            else:
                warnings.append(f"minimums (final): {what}")

    simplified = sum(1 for p in procs.values() if p.get("simplified") is True)
    lv = {"B": 0, "M": 0, "A": 0}
    for e in events.values():
        o = (e.get("rating") or {}).get("overall")
        if o in lv:
            lv[o] += 1
    print(f"{path}")
    print(f"areas {len(areas)}, factors {len(factors)}, measure types {len(types)}, "
          f"general measures {len(gms)}, sources {len(sources)}")
    print(f"processes {n_p} (simplified path {simplified}), events {n_e} "
          f"(overall A {lv['A']}, M {lv['M']}, B {lv['B']}), measures {n_m} "
          f"(general {sum(1 for m in measures.values() if m.get('general') is True)}, "
          f"specific {sum(1 for m in measures.values() if m.get('general') is False)})")
    for a, (np_, ne) in per_area.items():
        print(f"  {a} {areas[a].get('name', '')[:70]}: {np_} processes, {ne} events")
    for w_ in warnings:
        print("warning:", w_)
    for e_ in errors:
        print("ERROR:", e_)
    print("OK" if not errors else f"{len(errors)} error(s)")
    return 0 if not errors else 1


if __name__ == "__main__":
    sys.exit(main())
