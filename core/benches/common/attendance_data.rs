//! The attendance report of the training benchmark: 2,000 participants
//! (half with an e-mail) and a Zoom CSV of 5,000 rows (2–3 joins each), shared
//! with `examples/rules_work.rs` (the same import counted with callgrind).

use cdp_core::training::participants::ParticipantInput;
use cdp_core::Store;

/// The 2,000 participants.
pub fn participants(s: &mut Store) {
    for i in 0..2000 {
        s.add_training_participant(&ParticipantInput {
            full_name: format!("Persona Numerò {i}"),
            email: (i % 2 == 0).then(|| format!("persona{i}@comune.esempio.it")),
            ..Default::default()
        })
        .unwrap();
    }
}

/// The report, as Zoom writes it.
pub fn report() -> Vec<u8> {
    let mut csv = String::from(
        "Name (Original Name),User Email,Join Time,Leave Time,Duration (Minutes),Guest\n",
    );
    let mut n = 0;
    'outer: for round in 0..3 {
        for i in 0..2000 {
            if n == 5000 {
                break 'outer;
            }
            let (a, b) = match round {
                0 => ("09:25:00 AM", "10:40:00 AM"),
                1 => ("10:30:00 AM", "12:10:00 PM"),
                _ => ("12:05:00 PM", "01:05:00 PM"),
            };
            let email = if i % 2 == 0 {
                format!("persona{i}@comune.esempio.it")
            } else {
                String::new()
            };
            csv.push_str(&format!(
                "PERSONA NUMERO {i} (x),{email},03/09/2027 {a},03/09/2027 {b},60,No\n"
            ));
            n += 1;
        }
    }
    csv.into_bytes()
}
