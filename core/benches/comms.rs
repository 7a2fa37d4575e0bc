//! Comunicazioni in the core: queuing 108 personalised messages, each with
//! its letter as a PDF/A (outbox rows with their Message-IDs, then each
//! message filled and built as MIME); parsing 1,000 PEC receipts (`.eml`
//! with `daticert.xml`). Run once with few iterations:
//! `BENCH_RUNS=3 cargo bench -p cdp-core --bench comms` (prints a Markdown table).

mod common;
use common::{median, ms};

#[path = "../tests/common/comms.rs"]
mod receipts;

use std::time::Instant;

use cdp_core::comms::message::Sender;
use cdp_core::comms::{CommInput, Kind, RecipientRole, RecipientRule};
use cdp_core::registry::{ReferentInput, Role};
use cdp_core::Store;

fn runs() -> usize {
    std::env::var("BENCH_RUNS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(5)
}

fn main() {
    let mut rows = Vec::new();
    let sender = Sender {
        name: "Segreteria Generale – Città Metropolitana di Messina".into(),
        address: "segreteria@pec.cittametropolitana.me.it".into(),
    };
    let mut queue = Vec::new();
    let mut size = 0;
    for _ in 0..runs() {
        let mut s = Store::open_in_memory().unwrap();
        for c in s.list_comuni(&Default::default()).unwrap() {
            s.add_referent(
                &c.istat,
                &ReferentInput {
                    role: Role::Rpct,
                    full_name: format!("RPCT di {}", c.name),
                    email: Some(format!("rpct.{}@pec.comune.test.it", c.istat)),
                    phone: None,
                    valid_from: Some("2024-01-01".into()),
                    valid_to: None,
                    notes: None,
                    version: None,
                },
            )
            .unwrap();
        }
        let c = s
            .comms_create(&CommInput {
                kind: Kind::Convocazione,
                subject: "Convocazione – giornata formativa del 12 aprile 2027".into(),
                body: "# Convocazione\n\nAl {{ rpct }}, RPCT del Comune di {{ comune.nome }} ({{ zona.nome }}).\n\nLa S.V. è invitata alla giornata formativa del 12 aprile 2027 della Comunità di Pratiche, dalle 9:30 alle 13:00, presso Palazzo dei Leoni.\n\nIl Comune risulta nello stato «{{ adesione.stato }}».\n".into(),
                signatory: "Il Segretario Generale".into(),
                protocol_number: "1234".into(),
                protocol_date: "2027-03-05".into(),
                generated_doc: cdp_core::comms::LETTER.into(),
                event_id: None,
                year: None,
                updated_at: None,
            })
            .unwrap();
        s.comms_set_recipients(
            c.id,
            &RecipientRule {
                roles: vec![RecipientRole::Rpct],
                ..Default::default()
            },
            &[],
        )
        .unwrap();
        let t = Instant::now();
        assert_eq!(s.comms_queue(c.id).unwrap().queued, 108);
        let ids: Vec<i64> = s
            .connection()
            .prepare("SELECT id FROM comm_message ORDER BY id")
            .unwrap()
            .query_map([], |r| r.get(0))
            .unwrap()
            .map(Result::unwrap)
            .collect();
        size = 0;
        for id in ids {
            size += s.comms_outbox_message(id, &sender).unwrap().bytes.len();
        }
        queue.push(t.elapsed());
    }
    rows.push(format!(
        "| Queuing 108 personalised messages with their letter as PDF/A (outbox rows and Message-IDs, text filled, PDF, MIME; {} KiB in all) | **{}** (target 1 s) |",
        size / 1024,
        ms(median(queue))
    ));

    let files: Vec<Vec<u8>> = (0..1000)
        .map(|i| {
            let kind = cdp_core::comms::receipts::KINDS[i % 7];
            receipts::receipt(
                kind,
                &format!("<cdp.{i}.18f2a@pec.cittametropolitana.me.it>"),
                "05/03/2027",
                "10:15:00",
                "rpct@pec.comune.test.it",
            )
        })
        .collect();
    let mut parse = Vec::new();
    for _ in 0..runs() {
        let t = Instant::now();
        for f in &files {
            assert!(!cdp_core::comms::receipts::parse_receipt(f)
                .unwrap()
                .msgid
                .is_empty());
        }
        parse.push(t.elapsed());
    }
    rows.push(format!(
        "| Parsing 1,000 PEC receipts (`.eml`, `daticert.xml` in base64: kind, Message-ID, instant) | **{}** (target 200 ms) |",
        ms(median(parse))
    ));

    println!("| Comunicazioni (in memory) | Median |\n| --- | --- |");
    for r in rows {
        println!("{r}");
    }
}
