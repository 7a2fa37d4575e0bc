# Derives core/data/trasparenza_obblighi.json (the shipped transparency table of the
# PIAO section) from the AgID controlled vocabulary of delibera ANAC 1310/2016, Allegato 1:
# github.com/italia/daf-ontologie-vocabolari-controllati, VocabolariControllati/
# classifications-for-transparency/{transparency-titulus/transparency-titulus.csv,
# transparency-obligation/transparency-obligation.csv} saved as tit.csv and obl.csv beside it.
# Run: python3 trasparenza_obblighi.py > /dev/null (writes trasparenza.json; copy it over).
import csv, json, re
def fx(s):
    try: s = s.encode('latin1').decode('utf8')
    except Exception: pass
    return re.sub(r'\s+', ' ', s.replace('\u00a0',' ')).strip()
tit = list(csv.DictReader(open('tit.csv', encoding='utf8')))
obl = list(csv.DictReader(open('obl.csv', encoding='utf8')))
FREQ = {'UPDATE_CONT': 'Tempestivo (ex art. 8, d.lgs. n. 33/2013)', 'ANNUAL': 'Annuale',
        'QUARTERLY': 'Trimestrale', 'ANNUAL_2': 'Semestrale', 'NEVER': 'Nessuno'}
SKIP = {'02.03', '03.03', '15.04', '15.07', '19.01'}
N495 = 'Schema di pubblicazione approvato con delibera ANAC n. 495 del 25 settembre 2024 ({})'
NOTES = {'02.01': N495.format('art. 13 d.lgs. n. 33/2013'), '02.04': N495.format('art. 13 d.lgs. n. 33/2013'),
         '02.05': N495.format('art. 13 d.lgs. n. 33/2013'), '15.06': N495.format('art. 4-bis d.lgs. n. 33/2013'),
         '14.01': N495.format('art. 31 d.lgs. n. 33/2013'), '14.02': N495.format('art. 31 d.lgs. n. 33/2013'),
         '14.03': N495.format('art. 31 d.lgs. n. 33/2013')}
def short(label):
    l = fx(label).replace('richeste', 'richieste')
    l = re.sub(r"^Obbligh?[io]\s+", '', l)
    while True:
        m = re.match(r"^(?:(?:inerente|di|relativ[oi]|concernent[ei]|riguardante|pubblicazione|trasparenza|la|il|i|gli|le|lo|del|dello|della|dei|degli|delle|al|alla|ai|agli|alle|a|lle)\s+|(?:dell|l|all|ll)[’'])", l, re.I)
        if not m: break
        l = l[m.end():]
    l = l.strip(' .')
    return l[:1].upper() + l[1:]
rows = []
seen_obl = set()
for t in tit:
    code = t['codice_2_livello']
    if code in SKIP: continue
    tid = code.replace('.', '')
    obs = []
    for o in obl:
        if o['id_transparency_titulus'] == tid and o['id_obbligo'] not in seen_obl:
            seen_obl.add(o['id_obbligo']); obs.append(o)
    refs, contents, freqs = [], [], []
    for o in obs:
        for r in fx(o['rif_normativo']).split('|'):
            r = r.strip(' ,')
            if r and r not in refs: refs.append(r)
        c = short(o['label_ita_obbligo'])
        if c and c not in contents: contents.append(c)
        f = FREQ.get(o['frequenza_aggiornamento'].rsplit('/', 1)[-1])
        if f and f not in freqs: freqs.append(f)
    if not refs: refs = [fx(t['references'])]
    if not contents: contents = [fx(t['label_ITA_2_livello'])]
    row = {'code': code, 'section': fx(t['label_ITA_1_livello']), 'subsection': fx(t['label_ITA_2_livello']),
           'reference': '\n'.join(refs), 'content': '\n'.join(contents), 'frequency': '\n'.join(freqs) or 'Tempestivo (ex art. 8, d.lgs. n. 33/2013)',
           'note': NOTES.get(code, '')}
    rows.append(row)
# Contracts since 1 January 2024 (D.Lgs. 36/2023).
for r in rows:
    if r['code'] in ('10.01', '10.02'):
        r['note'] = "Per le procedure avviate dal 1° gennaio 2024 la trasparenza si assolve con la trasmissione dei dati alla Banca dati nazionale dei contratti pubblici (BDNCP) e il collegamento ad essa dalla sezione «Amministrazione trasparente» (art. 37 d.lgs. n. 33/2013; art. 28 d.lgs. n. 36/2023; delibera ANAC n. 264 del 20 giugno 2023, modificata dalla delibera n. 601 del 19 dicembre 2023)."
out = {'source': "Delibera ANAC n. 1310 del 28 dicembre 2016, Allegato 1 «Elenco degli obblighi di pubblicazione», nella trascrizione del vocabolario controllato «transparency-obligation» e «transparency-titulus» di AgID (github.com/italia/daf-ontologie-vocabolari-controllati); sotto-sezioni non pertinenti ai comuni omesse (02.03, 03.03, 15.04, 15.07, 19.01).",
       'rows': rows}
json.dump(out, open('trasparenza.json', 'w'), ensure_ascii=False, indent=1)
print(len(rows))
for r in rows: print(r['code'], r['subsection'][:40], '|', r['content'].replace('\n',' / ')[:150], '|', r['frequency'])
