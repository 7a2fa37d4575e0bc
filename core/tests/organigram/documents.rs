//! The chart, the composition of the working group and the draft act.

use super::*;
use common::docs::{docx_python, pdf_info, pdf_text, qpdf_ok};

fn populated() -> Store {
    let mut s = common::store();
    let eolie = s
        .zones()
        .unwrap()
        .into_iter()
        .find(|z| z.name == "Isole Eolie")
        .unwrap();
    let r = rpct(
        &mut s,
        "083041",
        "Bartolo Famularo",
        Some("rpct@comunelipari.it"),
        "2023-05-01",
    );
    s.set_zone_referent(eolie.id, Some(r), None).unwrap();
    let seg = unit_id(&s, "Segreteria tecnica");
    s.add_org_role(&role(
        seg,
        external("Anna Bellomo", Some("a.bellomo@cittametropolitana.me.it")),
        "Responsabile",
        "2025-01-01",
        None,
    ))
    .unwrap();
    let t = tavolo(
        &mut s,
        "Tavolo di Pratiche per la Progettazione d'Area Vasta",
        "2026-03-01",
    );
    s.add_org_role(&role(
        t,
        PersonChoice::Referent { referent_id: r },
        "Coordinatore",
        "2026-03-01",
        None,
    ))
    .unwrap();
    s.add_org_role(&role(
        t,
        external("Giovanni Santoro", Some("g.santoro@unime.it")),
        "Componente",
        "2026-03-15",
        None,
    ))
    .unwrap();
    s
}

#[test]
fn the_organigram_pdf_has_every_name_and_role_on_one_landscape_page() {
    let s = populated();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("organigramma.pdf");
    std::fs::write(&path, s.org_chart_pdf(d("2026-11-30"), &[]).unwrap()).unwrap();
    if let Ok(dir) = std::env::var("ORG_SAMPLE_DIR") {
        std::fs::copy(&path, std::path::Path::new(&dir).join("organigramma.pdf")).unwrap();
    }
    let text = pdf_text(&path, &[]);
    let flat = text.split_whitespace().collect::<Vec<_>>().join(" ");
    for want in [
        "Organigramma del gruppo di lavoro della Comunità di Pratiche",
        "Composizione al 30/11/2026",
        "Responsabile del progetto",
        "Segreteria tecnica",
        "Responsabile: Anna Bellomo",
        "Coordinamento",
        "Zone omogenee",
        "Isole Eolie",
        "Referente di zona: Bartolo Famularo",
        "Tavoli tematici",
        "Coordinatore: Bartolo Famularo",
        "Componente: Giovanni Santoro",
        "Esperti esterni",
    ] {
        assert!(flat.contains(want), "«{want}» missing in:\n{text}");
    }
    // One landscape page, a valid PDF: A3, as on A4 the smallest text
    // would print under 8 pt.
    let info = pdf_info(&path, &[]);
    assert!(
        info.lines()
            .any(|l| l.starts_with("Pages:") && l.ends_with(" 1")),
        "{info}"
    );
    assert!(info.contains("1190.55 x 841.89"), "{info}");
    qpdf_ok(&path);
    // Collapsed branches are left out of the drawing.
    let small = s
        .org_chart_pdf(d("2026-11-30"), &["u1".to_string()])
        .unwrap();
    std::fs::write(&path, small).unwrap();
    let text = pdf_text(&path, &[]);
    assert!(!text.contains("Giovanni Santoro"));
}

#[test]
fn a_wide_organigram_goes_on_a3_and_a_small_one_on_a4() {
    use cdp_core::documents::model::PageSize;
    use cdp_core::organigram::documents::page_for;
    // A small chart on A4, enlarged a little to use the page.
    let (size, scale) = page_for(600.0, 300.0);
    assert_eq!(size, PageSize::A4Landscape);
    assert!(scale > 1.0 && scale <= 1.4);
    let (size, scale) = page_for(1500.0, 400.0);
    assert_eq!(size, PageSize::A3Landscape);
    assert!(scale < 1.0 && scale > 0.6);
    // The chart is never enlarged, and always fits.
    let (size, scale) = page_for(5000.0, 800.0);
    let (cw, _) = size.content();
    assert!(5000.0 * scale <= cw + 0.01);
}

#[test]
fn the_composition_of_the_working_group_as_pdf_and_docx() {
    use cdp_core::documents::Format;
    let s = populated();
    let dir = tempfile::tempdir().unwrap();
    let pdf = dir.path().join("composizione.pdf");
    std::fs::write(
        &pdf,
        s.org_composition(d("2026-11-30"), Format::Pdf).unwrap(),
    )
    .unwrap();
    if let Ok(dir) = std::env::var("ORG_SAMPLE_DIR") {
        std::fs::copy(&pdf, std::path::Path::new(&dir).join("composizione.pdf")).unwrap();
    }
    let text = pdf_text(&pdf, &[]);
    let flat = text.split_whitespace().collect::<Vec<_>>().join(" ");
    for want in [
        "Composizione del gruppo di lavoro della Comunità di Pratiche",
        "in carica al 30/11/2026",
        "Anna Bellomo",
        "a.bellomo@cittametropolitana.me.it",
        "Bartolo Famularo",
        "RPCT, Comune di Lipari",
        "Giovanni Santoro",
        "Università degli Studi di Messina",
        "Coordinatore",
        "Componente",
        "Referente di zona",
        "Tavoli tematici › Tavolo di Pratiche per la Progettazione d'Area Vasta",
        "Persone in carica: 4.",
        // The units without anyone, once, after the table.
        "Restano da individuare i componenti di: Coordinamento; Area ionica e Valle dell'Alcantara (Zone omogenee); Area tirrenica dei Nebrodi (Zone omogenee); Area tirrenica",
        "Città di Messina (Zone omogenee); Esperti esterni.",
    ] {
        assert!(flat.contains(want), "«{want}» missing in:\n{text}");
    }
    for unwanted in [
        "nessuna persona alla data",
        "nessun referente di zona alla data",
    ] {
        assert!(!flat.contains(unwanted), "«{unwanted}» in:\n{text}");
    }
    qpdf_ok(&pdf);
    let docx = dir.path().join("composizione.docx");
    std::fs::write(
        &docx,
        s.org_composition(d("2026-11-30"), Format::Docx).unwrap(),
    )
    .unwrap();
    let script = r#"
import sys, docx
d = docx.Document(sys.argv[1])
t = d.tables[0]
print('header', ' | '.join(c.text for c in t.rows[0].cells))
for r in t.rows[1:]:
    print('row', ' | '.join(c.text for c in r.cells))
"#;
    let out = docx_python(&docx, script, &[]);
    assert!(
        out.contains("header Ruolo | Nome e cognome | Ente e qualifica | Contatti | In carica dal"),
        "{out}"
    );
    assert!(out.contains("row Componente | Giovanni Santoro | Professore associato, Università degli Studi di Messina | g.santoro@unime.it | 15/03/2026"), "{out}");
    assert!(out.contains("row Referente di zona | Bartolo Famularo | RPCT, Comune di Lipari | rpct@comunelipari.it"), "{out}");
    // Each unit is one group: its heading row, then its people; the
    // Responsabile del progetto is the Segretario Generale, as in the chart.
    let rows: Vec<&str> = out.lines().filter(|l| l.starts_with("row ")).collect();
    let firsts: Vec<&str> = rows
        .iter()
        .map(|r| r.trim_start_matches("row ").split(" | ").next().unwrap())
        .collect();
    assert_eq!(
        firsts,
        vec![
            "Responsabile del progetto",
            "Segretario Generale",
            "Segreteria tecnica",
            "Responsabile",
            "Zone omogenee › Isole Eolie",
            "Referente di zona",
            "Tavoli tematici › Tavolo di Pratiche per la Progettazione d'Area Vasta",
            "Coordinatore",
            "Componente",
        ],
        "{out}"
    );
    assert!(
        out.contains("Restano da individuare i componenti di: Coordinamento;")
            || {
                let p = docx_python(&docx, "import sys, docx; print('\\n'.join(p.text for p in docx.Document(sys.argv[1]).paragraphs))", &[]);
                p.contains("Restano da individuare i componenti di: Coordinamento;")
            },
        "{out}"
    );
}

#[test]
fn the_draft_act_lists_the_units_and_people_in_office_from_an_editable_template() {
    use cdp_core::documents::Format;
    let mut s = populated();
    let mut st = s.settings().unwrap();
    st.signatory_name = "Maria Rossi".into();
    s.save_settings(&st).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let pdf = dir.path().join("determina.pdf");
    std::fs::write(
        &pdf,
        s.org_act(d("2026-11-30"), false, Format::Pdf).unwrap(),
    )
    .unwrap();
    if let Ok(dir) = std::env::var("ORG_SAMPLE_DIR") {
        std::fs::copy(&pdf, std::path::Path::new(&dir).join("determina.pdf")).unwrap();
    }
    let text = pdf_text(&pdf, &[]);
    let flat = text.split_whitespace().collect::<Vec<_>>().join(" ");
    for want in [
        "DETERMINAZIONE DEL SEGRETARIO GENERALE n. ____ del ____ OGGETTO",
        "Costituzione del Gruppo di lavoro della «Comunità di Pratiche»",
        "con decorrenza dal 30 novembre 2026, nella composizione riportata nell’Allegato A",
        "decreto del Sindaco metropolitano n. ____ del ____, di nomina del Segretario Generale",
        "approvazione dello schema di Protocollo d’intesa della «Comunità di Pratiche»",
        "(PIAO) della Città Metropolitana di Messina in vigore, e in particolare la sottosezione 2.3 «Rischi corruttivi e trasparenza»",
        "la partecipazione al Gruppo di lavoro è a titolo gratuito e non comporta oneri a carico del bilancio dell’Ente.",
        "il responsabile del procedimento",
        "art. 147-bis del D.Lgs. 18 agosto 2000, n. 267, introdotto dall’art. 3 del D.L. 10 ottobre 2012, n. 174",
        "all’albo pretorio online per quindici giorni consecutivi e nella sezione «Amministrazione trasparente»",
        "ricorso al Tribunale Amministrativo Regionale per la Sicilia, sezione staccata di Catania, entro sessanta giorni, o ricorso straordinario al Presidente della Regione Siciliana entro centoventi giorni",
        "Il Segretario Generale Maria Rossi",
        "Allegato A – Composizione del Gruppo di lavoro",
        "Composizione al 30 novembre 2026.",
        // The Responsabile del progetto is the Segretario Generale, as in the chart.
        "Responsabile del progetto: Maria Rossi, Segretario Generale – Città Metropolitana di Messina",
        "Segreteria tecnica: Anna Bellomo, Responsabile – Università degli Studi di Messina",
        "Zona omogenea «Isole Eolie»: Bartolo Famularo, Referente di zona – Comune di Lipari, su designazione dei comuni della zona (nota prot. n. ____ del ____)",
        "Tavolo di Pratiche per la Progettazione d’Area Vasta (Tavoli tematici): Bartolo Famularo, Coordinatore – Comune di Lipari, su designazione del Comune ai sensi del Protocollo d’intesa (nota prot. n. ____ del ____); Giovanni Santoro, Componente – Università degli Studi di Messina, su designazione dell’ente di appartenenza (nota prot. n. ____ del ____)",
        // (pdftotext drops the hyphen of «tirrenica-peloritana» where a line breaks at it)
        "Restano da individuare i componenti di: Coordinamento; Zona omogenea «Area ionica e Valle dell’Alcantara»; Zona omogenea «Area tirrenica dei Nebrodi»; Zona omogenea «Area tirrenica",
        "peloritana»; Zona omogenea «Città di Messina»; Esperti esterni.",
    ] {
        assert!(flat.contains(want), "«{want}» missing in:\n{text}");
    }
    for unwanted in [
        "da individuare.",
        "rientra nei compiti d’ufficio dei componenti",
        "Zone omogenee:",
        "Tavoli tematici:",
    ] {
        assert!(!flat.contains(unwanted), "«{unwanted}» in:\n{text}");
    }
    // The title's number and date stay on one line.
    assert!(
        text.lines().any(|l| l.trim() == "n. ____ del ____"),
        "{text}"
    );
    // The chart and the composition name the same Responsabile del progetto.
    let chart = dir.path().join("organigramma.pdf");
    std::fs::write(&chart, s.org_chart_pdf(d("2026-11-30"), &[]).unwrap()).unwrap();
    let chart = pdf_text(&chart, &[]);
    assert!(
        chart.contains("Segretario Generale: Maria Rossi"),
        "{chart}"
    );
    let comp = dir.path().join("composizione.pdf");
    std::fs::write(
        &comp,
        s.org_composition(d("2026-11-30"), Format::Pdf).unwrap(),
    )
    .unwrap();
    let comp = pdf_text(&comp, &[]);
    let comp = comp.split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(
        comp.contains("Maria Rossi")
            && comp.contains("Responsabile del progetto Segretario Generale"),
        "{comp}"
    );
    qpdf_ok(&pdf);
    // An update says so.
    let upd = s.org_act(d("2026-11-30"), true, Format::Docx).unwrap();
    assert!(upd.starts_with(b"PK"));
    // The template is editable, checked before it is saved, and can be restored.
    let t = s.org_act_template().unwrap();
    assert!(t.is_default && t.placeholders.contains(&"unita".to_string()));
    let e = s
        .save_org_act_template(
            &format!("{}\n{{{{ comune.nome }}}}", t.body),
            Some(&t.updated_at),
        )
        .unwrap_err();
    assert_eq!(e.field(), Some("body"));
    assert!(e.to_string().contains("comune.nome"), "{e}");
    let edited = t.body.replace("Messina, lì", "Messina, addì");
    let saved = s
        .save_org_act_template(&edited, Some(&t.updated_at))
        .unwrap();
    assert!(!saved.is_default);
    assert_eq!(
        s.save_org_act_template(&edited, Some(&t.updated_at))
            .unwrap_err()
            .code(),
        "conflict"
    );
    let text =
        String::from_utf8_lossy(&s.org_act(d("2026-11-30"), false, Format::Docx).unwrap()).len();
    assert!(text > 0);
    // A template the user edited on the older default stays as it is.
    let old = "# DETERMINAZIONE N. ………… DEL …………\n{% for u in unita %}\n- {{ u.nome }}: {% for p in u.persone %}{{ p.nome }}{% else %}da individuare{% endfor %}.\n{% endfor %}\n";
    let saved = s
        .save_org_act_template(old, Some(&saved.updated_at))
        .unwrap();
    assert_eq!(s.org_act_template().unwrap().body, old);
    let pdf_old = dir.path().join("old.pdf");
    std::fs::write(
        &pdf_old,
        s.org_act(d("2026-11-30"), false, Format::Pdf).unwrap(),
    )
    .unwrap();
    let text = pdf_text(&pdf_old, &[]);
    assert!(text.contains("DETERMINAZIONE N. ………… DEL …………"), "{text}");
    let restored = s.restore_org_act_template(Some(&saved.updated_at)).unwrap();
    assert!(restored.is_default);
    assert_eq!(
        common::count(
            &s,
            "SELECT count(*) FROM audit WHERE entity = 'org_act_template'"
        ),
        3
    );
}

#[test]
fn the_draft_act_docx_gives_each_list_its_own_numbering() {
    use cdp_core::documents::Format;
    let s = populated();
    let dir = tempfile::tempdir().unwrap();
    let docx = dir.path().join("determina.docx");
    std::fs::write(
        &docx,
        s.org_act(d("2026-11-30"), false, Format::Docx).unwrap(),
    )
    .unwrap();
    if let Ok(dir) = std::env::var("ORG_SAMPLE_DIR") {
        std::fs::copy(&docx, std::path::Path::new(&dir).join("determina.docx")).unwrap();
    }
    // Word reads the first definition of an id: duplicates are the bug.
    let script = r#"
import sys, docx
from docx.oxml.ns import qn
d = docx.Document(sys.argv[1])
n = d.part.numbering_part.element
abstract_ids = [a.get(qn('w:abstractNumId')) for a in n.findall(qn('w:abstractNum'))]
num_ids = [x.get(qn('w:numId')) for x in n.findall(qn('w:num'))]
print('dup_abstract', len(abstract_ids) != len(set(abstract_ids)))
print('dup_num', len(num_ids) != len(set(num_ids)))
fmt_of = {}
for a in n.findall(qn('w:abstractNum')):
    fmt_of.setdefault(a.get(qn('w:abstractNumId')), a.find(qn('w:lvl')).find(qn('w:numFmt')).get(qn('w:val')))
num = {}
for x in n.findall(qn('w:num')):
    o = x.find(qn('w:lvlOverride'))
    start = o.find(qn('w:startOverride')).get(qn('w:val')) if o is not None and o.find(qn('w:startOverride')) is not None else '-'
    num.setdefault(x.get(qn('w:numId')), (fmt_of[x.find(qn('w:abstractNumId')).get(qn('w:val'))], start))
lists, prev = [], None
for p in d.paragraphs:
    pr = p._p.pPr
    nid = None
    if pr is not None and pr.numPr is not None:
        nid = pr.numPr.numId.val
    if nid is not None and nid != prev:
        lists.append([nid, 0])
    if nid is not None:
        lists[-1][1] += 1
    prev = nid
ids = [l[0] for l in lists]
print('shared', len(ids) != len(set(ids)))
for nid, count in lists:
    print('list', num[str(nid)][0], num[str(nid)][1], count)
"#;
    let out = docx_python(&docx, script, &[]);
    assert!(out.contains("dup_abstract False"), "{out}");
    assert!(out.contains("dup_num False"), "{out}");
    assert!(out.contains("shared False"), "{out}");
    let lists: Vec<&str> = out.lines().filter(|l| l.starts_with("list ")).collect();
    // Premesse, Visti (bullets), dispositivo (1–6, restarting), Allegato A (bullets).
    assert_eq!(
        lists,
        vec![
            "list bullet - 5",
            "list bullet - 8",
            "list decimal 1 6",
            "list bullet - 4"
        ],
        "{out}"
    );
}

#[test]
fn the_printed_chart_fills_its_page_with_text_of_8_pt_at_least() {
    use cdp_core::documents::model::{Block, Shape};
    use cdp_core::organigram::documents::{chart_report, print_layout};
    for s in [populated(), common::store()] {
        let o = s.organigram(d("2026-11-30")).unwrap();
        let r = chart_report(&o, &print_layout(&o, &[]));
        let (cw, ch) = r.size.content();
        // The chart is an element the composer places under the title.
        let Some(Block::Element(chart)) = r.blocks.iter().find(|b| matches!(b, Block::Element(_)))
        else {
            panic!("the chart")
        };
        let room = ch - 34.0;
        let (mut x0, mut y0, mut x1, mut y1) = (f32::MAX, f32::MAX, 0f32, 0f32);
        let mut smallest = f32::MAX;
        for sh in &chart.0.draw(cw, room) {
            if let Shape::Rect { x, y, w, h, .. } = sh {
                x0 = x0.min(*x);
                y0 = y0.min(*y);
                x1 = x1.max(x + w);
                y1 = y1.max(y + h);
            }
            if let Shape::Text { size, .. } = sh {
                smallest = smallest.min(*size);
            }
        }
        assert!(smallest >= 8.0 - 1e-3, "text at {smallest} pt");
        // The boxes span the page's width or the height under the title
        // (the gaps between levels grown), centred both ways.
        assert!(
            (x1 - x0) >= 0.97 * cw || (y1 - y0) >= 0.97 * room,
            "{} × {} of {cw} × {room}",
            x1 - x0,
            y1 - y0
        );
        assert!((y1 - y0) >= 0.5 * room, "height {} of {room}", y1 - y0);
        assert!((x0 - (cw - x1)).abs() < 2.0, "{x0} {x1} {cw}");
        assert!((y0 - (room - y1)).abs() < 2.0, "{y0} {y1} {room}");
    }
    // The print leaves out that a zone's composition is still a proposal.
    let s = populated();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("organigramma.pdf");
    std::fs::write(&path, s.org_chart_pdf(d("2026-11-30"), &[]).unwrap()).unwrap();
    let text = pdf_text(&path, &[]);
    assert!(text.contains("30 comuni"), "{text}");
    assert!(!text.contains("proposta da accettare"), "{text}");
}

#[test]
fn an_edited_act_template_joins_the_template_store_with_its_history() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("prima-del-modello-unico.sqlite3");
    // The shipped text the user first edited (an older one), two edits and
    // a return to the shipped text in between.
    let old_default = "# DETERMINAZIONE\n\nAl {{ data }}.\n";
    let first = "# DETERMINAZIONE (prima modifica)\n\nAl {{ data }}.\n";
    let second =
        "# DETERMINAZIONE (seconda modifica)\n\n{% for u in unita %}- {{ u.nome }}\n{% endfor %}\n";
    {
        // An archive of the previous release: schema 9, the act edited in
        // its one-row table, its history in the audit log, one act in the register.
        let conn = rusqlite::Connection::open(&path).unwrap();
        for m in &cdp_core::archive::schema().migrations()[..9] {
            conn.execute_batch(m.sql).unwrap();
        }
        conn.pragma_update(None, "user_version", 9).unwrap();
        let audit = |at: &str, action: &str, before: &str, after: Option<&str>| {
            conn.execute(
                "INSERT INTO audit (at, operator, action, entity, entity_id, before, after)
                 VALUES (?1, 'Mario Bianchi', ?2, 'org_act_template', '1', json_object('body', ?3),
                         CASE WHEN ?4 IS NULL THEN NULL ELSE json_object('body', ?4) END)",
                rusqlite::params![at, action, before, after],
            )
            .unwrap();
        };
        audit("2026-01-10T09:00:00Z", "save", old_default, Some(first));
        audit("2026-02-10T09:00:00Z", "restore", first, None);
        audit("2026-03-10T09:00:00Z", "save", old_default, Some(second));
        conn.execute(
            "INSERT INTO org_act_template (id, body, updated_at) VALUES (1, ?1, '3')",
            [second],
        )
        .unwrap();
        conn.execute_batch(
            "INSERT INTO setting (key, value) VALUES ('org_act_template_base', '1');
             INSERT INTO template_version (kind, version, body, origin, source, created_at, operator)
               VALUES ('lettera', 1, 'Lettera', 'default', '2026.2', '2026-01-01T00:00:00Z', 'Mario Bianchi');
             INSERT INTO document (istat, kind, template_id, format, path, sha256, bytes, created_at, operator)
               VALUES (NULL, 'lettera', 1, 'pdf', '/tmp/Lettera.pdf', 'x', 1, '2026-01-02T00:00:00Z', 'Mario Bianchi');",
        )
        .unwrap();
    }
    let mut s = Store::open(&path).unwrap();
    let t = s.org_act_template().unwrap();
    assert_eq!(t.body, second);
    assert!(!t.is_default);
    // Written on an older shipped text: the newer one can be restored.
    assert!(t.newer_default);
    let versions: Vec<(i64, String, String)> = s
        .connection()
        .prepare(
            "SELECT version, origin, body FROM template_version WHERE kind = 'gruppo_lavoro' ORDER BY version",
        )
        .unwrap()
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    let want = [
        (1, "default", old_default),
        (2, "edit", first),
        (3, "default", old_default),
        (4, "edit", second),
    ];
    assert_eq!(
        versions,
        want.map(|(v, o, b)| (v, o.to_string(), b.to_string()))
    );
    assert_eq!(
        common::count(
            &s,
            "SELECT count(*) FROM sqlite_master WHERE name = 'org_act_template'"
        ),
        0
    );
    assert_eq!(
        common::count(
            &s,
            "SELECT count(*) FROM setting WHERE key = 'org_act_template_base'"
        ),
        0
    );
    // The register kept its rows, each with its kind's name.
    let docs = s.documents(None).unwrap();
    assert_eq!(docs.len(), 1);
    assert_eq!(docs[0].kind_label, "Lettera di trasmissione");
    assert_eq!(docs[0].template_version, Some(1));
    // The history goes on in the store: the shipped text comes back as version 5.
    let restored = s.restore_org_act_template(Some(&t.updated_at)).unwrap();
    assert!(restored.is_default && !restored.newer_default);
    assert_eq!(restored.updated_at, "5");
    s.close().unwrap();
}
