//! The tidy layout's invariants, and the boxes the organigram draws.

use super::*;
use common::docs::pdf_text;

/// A pseudo-random tree of `n` nodes (deterministic), with widths of 40–200 points.
fn random_tree(n: usize, seed: u64) -> LayoutInput {
    let mut x = seed
        .wrapping_mul(6364136223846793005)
        .wrapping_add(1442695040888963407);
    let mut next = move || {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        x
    };
    let mut t = LayoutInput::default();
    for i in 0..n {
        t.widths.push(40.0 + (next() % 160) as f32);
        t.heights.push(20.0 + (next() % 40) as f32);
        t.children.push(Vec::new());
        if i == 0 {
            t.roots.push(0);
        } else {
            // Bias towards recent nodes for depth, towards early ones for breadth.
            let p = if next() % 3 == 0 {
                (next() as usize) % i
            } else {
                i - 1 - (next() as usize) % i.min(4)
            };
            t.children[p].push(i);
        }
    }
    t
}

fn check_invariants(t: &LayoutInput, pos: &[(f32, f32)], gap: f32) {
    let n = t.widths.len();
    let eps = 0.01;
    // No two boxes overlap (on the same row they keep at least `gap`, or close to it).
    for i in 0..n {
        for j in i + 1..n {
            let (ax, ay, aw, ah) = (pos[i].0, pos[i].1, t.widths[i], t.heights[i]);
            let (bx, by, bw, bh) = (pos[j].0, pos[j].1, t.widths[j], t.heights[j]);
            let overlap = ax < bx + bw - eps
                && bx < ax + aw - eps
                && ay < by + bh - eps
                && by < ay + ah - eps;
            assert!(
                !overlap,
                "boxes {i} and {j} overlap: {:?} {:?}",
                pos[i], pos[j]
            );
            if (ay - by).abs() < eps {
                let g = if ax < bx {
                    bx - (ax + aw)
                } else {
                    ax - (bx + bw)
                };
                assert!(
                    g >= gap - 0.05,
                    "boxes {i} and {j} closer than the gap: {g}"
                );
            }
        }
    }
    for (p, kids) in t.children.iter().enumerate() {
        if kids.is_empty() {
            continue;
        }
        let c = |i: usize| pos[i].0 + t.widths[i] / 2.0;
        // Parent centred over its children.
        let mid = (c(kids[0]) + c(kids[kids.len() - 1])) / 2.0;
        assert!(
            (c(p) - mid).abs() < 0.05,
            "parent {p} not centred: {} vs {mid}",
            c(p)
        );
        // Children in order, below the parent.
        for w in kids.windows(2) {
            assert!(
                pos[w[0]].0 + t.widths[w[0]] <= pos[w[1]].0 + eps,
                "children of {p} out of order"
            );
        }
        assert!(kids.iter().all(|&k| pos[k].1 > pos[p].1 + t.heights[p]));
    }
}

#[test]
fn the_layout_keeps_its_invariants_on_trees_of_1_to_500_units() {
    let o = LayoutOptions::default();
    for (n, seed) in [
        (1, 1),
        (2, 2),
        (3, 3),
        (7, 4),
        (20, 5),
        (64, 6),
        (150, 7),
        (300, 8),
        (500, 9),
        (500, 10),
    ] {
        let t = random_tree(n, seed);
        let pos = tidy(&t, &o);
        check_invariants(&t, &pos, o.gap);
        assert_eq!(pos, tidy(&t, &o), "not deterministic");
        assert!(pos.iter().map(|p| p.0).fold(f32::INFINITY, f32::min).abs() < 0.01);
    }
    // A forest: its roots side by side, in order.
    let mut t = random_tree(30, 11);
    t.children[0].clear();
    t.roots = vec![0];
    let mut t2 = random_tree(10, 12);
    let off = t.widths.len();
    for k in &mut t2.children {
        for c in k.iter_mut() {
            *c += off;
        }
    }
    t.widths.extend(t2.widths);
    t.heights.extend(t2.heights);
    t.children.extend(t2.children);
    t.roots.push(off);
    let pos = tidy(&t, &o);
    assert!(pos[0].0 + t.widths[0] <= pos[off].0);
}

#[test]
fn a_balanced_tree_is_compact_and_symmetric() {
    // Root with three children of equal width: the middle one right under the root.
    let t = LayoutInput {
        widths: vec![100.0, 50.0, 50.0, 50.0],
        heights: vec![20.0; 4],
        children: vec![vec![1, 2, 3], vec![], vec![], vec![]],
        roots: vec![0],
    };
    let o = LayoutOptions {
        gap: 10.0,
        level_gap: 20.0,
    };
    let pos = tidy(&t, &o);
    assert_eq!(pos[1], (0.0, 40.0));
    assert_eq!(pos[2], (60.0, 40.0));
    assert_eq!(pos[3], (120.0, 40.0));
    assert_eq!(pos[0], (60.0 + 25.0 - 50.0, 0.0));
}

#[test]
fn the_organigram_layout_has_a_box_per_visible_node() {
    let mut s = common::store();
    let t = tavolo(
        &mut s,
        "Tavolo di Pratiche per la Progettazione d'Area Vasta",
        "2026-03-01",
    );
    s.add_org_role(&role(
        t,
        external("Giovanni Santoro", None),
        "Componente",
        "2026-03-15",
        None,
    ))
    .unwrap();
    let o = s.organigram(d("2026-11-30")).unwrap();
    let l = layout(&o, &[], &LayoutOptions::default());
    assert_eq!(l.boxes.len(), o.nodes.len());
    let b = l.boxes.iter().find(|b| b.key == format!("u{t}")).unwrap();
    assert!(b
        .lines
        .iter()
        .any(|x| x.text == "Componente: Giovanni Santoro"));
    assert!(b
        .lines
        .iter()
        .all(|x| cdp_core::organigram::layout::text_width(&x.text, x.size, x.bold) <= b.w));
    // Collapsing the root hides everything else.
    let l = layout(&o, &["u1".to_string()], &LayoutOptions::default());
    assert_eq!(l.boxes.len(), 1);
    assert_eq!(l.boxes[0].hidden, o.nodes.len() - 1);
    assert!(l.connectors.is_empty());
}

#[test]
fn the_rpct_of_a_zone_are_stacked_in_a_column_without_overlaps() {
    let mut s = common::store();
    let zone = s
        .zones()
        .unwrap()
        .into_iter()
        .max_by_key(|z| z.comuni)
        .unwrap();
    let codes: Vec<String> = s
        .list_comuni(&cdp_core::registry::ComuneQuery {
            zone: Some(zone.id.to_string()),
            ..Default::default()
        })
        .unwrap()
        .into_iter()
        .map(|c| c.istat)
        .collect();
    assert!(codes.len() >= 8);
    for (i, c) in codes.iter().enumerate() {
        rpct(
            &mut s,
            c,
            &format!("Responsabile Numero {i}"),
            None,
            "2024-01-01",
        );
    }
    let zu = unit_id(&s, "Zone omogenee");
    let u = s.org_unit(zu).unwrap();
    s.update_org_unit(
        zu,
        &UnitInput {
            name: u.name,
            kind: u.kind,
            shows_zones: true,
            shows_rpct: true,
            version: Some(u.updated_at),
            ..Default::default()
        },
    )
    .unwrap();
    let o = s.organigram(d("2026-11-30")).unwrap();
    let l = layout(&o, &[], &LayoutOptions::default());
    assert_eq!(l.boxes.len(), o.nodes.len());
    for (i, a) in l.boxes.iter().enumerate() {
        for b in &l.boxes[i + 1..] {
            let overlap = a.x < b.x + b.w && b.x < a.x + a.w && a.y < b.y + b.h && b.y < a.y + a.h;
            assert!(!overlap, "{} and {} overlap", a.key, b.key);
        }
    }
    // The comuni of the zone in one column, in order, under their zone.
    let zb = l
        .boxes
        .iter()
        .find(|b| b.key == format!("z{}", zone.id))
        .unwrap();
    let col: Vec<_> = l
        .boxes
        .iter()
        .filter(|b| o.nodes[b.node].parent == Some(zb.node))
        .collect();
    assert_eq!(col.len(), codes.len());
    // In columns of at most 12, in order (down, then across), under their zone.
    let cols = codes.len().div_ceil(12);
    let rows = codes.len().div_ceil(cols);
    for column in col.chunks(rows) {
        assert!(column.len() <= 12);
        assert!(column
            .windows(2)
            .all(|w| w[0].x == w[1].x && w[0].y + w[0].h < w[1].y));
        assert!(column[0].y > zb.y + zb.h);
    }
    for pair in col.chunks(rows).collect::<Vec<_>>().windows(2) {
        assert!(pair[0][0].x < pair[1][0].x);
    }
    // Deterministic.
    assert_eq!(l, layout(&o, &[], &LayoutOptions::default()));
    // On paper: every RPCT's name is there.
    let pdf = s.org_chart_pdf(d("2026-11-30"), &[]).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("rpct.pdf");
    std::fs::write(&path, &pdf).unwrap();
    if let Ok(dir) = std::env::var("ORG_SAMPLE_DIR") {
        std::fs::copy(
            &path,
            std::path::Path::new(&dir).join("organigramma-rpct.pdf"),
        )
        .unwrap();
    }
    let text = pdf_text(&path, &[]);
    for i in 0..codes.len() {
        assert!(
            text.contains(&format!("RPCT: Responsabile Numero {i}\n")),
            "RPCT {i} missing:\n{text}"
        );
    }
}
