//! The tidy layout of the organigram, computed here once and drawn the same
//! by the UI (SVG) and the PDF: Walker's algorithm with the linear-time
//! improvements of Buchheim, Jünger and Leipert ("Improving Walker's
//! algorithm to run in linear time", 2002), with boxes of different widths.
//! Parents are centred over their children, children keep their order,
//! subtrees are packed as close as `gap` allows, and the same input always
//! gives the same output. Levels are rows whose height is that of their
//! tallest box. Coordinates are in points (1/72 inch), y growing downwards.

use serde::{Deserialize, Serialize};

use super::tree::Organigram;

/// A tree for [`tidy`]: box sizes and ordered children; `roots` in order.
#[derive(Debug, Clone, Default)]
pub struct LayoutInput {
    pub widths: Vec<f32>,
    pub heights: Vec<f32>,
    pub children: Vec<Vec<usize>>,
    pub roots: Vec<usize>,
}

/// Distances between boxes.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct LayoutOptions {
    /// Horizontal gap between neighbouring boxes (siblings or cousins).
    pub gap: f32,
    /// Vertical gap between levels (the connectors run in it).
    pub level_gap: f32,
}

impl Default for LayoutOptions {
    fn default() -> Self {
        LayoutOptions {
            gap: 14.0,
            level_gap: 28.0,
        }
    }
}

/// Which leaves are stacked in columns under their parent, and how tall the
/// columns are. The screen's is the default; a print that would not fit its
/// page at a legible size changes it (see `documents::print_layout`).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Stacking {
    /// The most boxes in one column of a stack.
    pub rows: usize,
    /// The leaves of a parent that also has branches are stacked too (in a
    /// block after its branches) when they are `STACK_FROM` or more.
    pub mixed: bool,
}

impl Default for Stacking {
    fn default() -> Self {
        Stacking {
            rows: STACK_ROWS,
            mixed: false,
        }
    }
}

/// Top-left corners of the boxes of a [`LayoutInput`], the drawing starting at (0, 0).
pub fn tidy(t: &LayoutInput, o: &LayoutOptions) -> Vec<(f32, f32)> {
    let n = t.widths.len();
    if n == 0 {
        return Vec::new();
    }
    // A virtual root (index n, no width) joins the roots, so a forest is one tree.
    let root = n;
    let mut children = t.children.clone();
    children.push(t.roots.clone());
    let mut width = t.widths.clone();
    width.push(0.0);
    let mut parent = vec![usize::MAX; n + 1];
    let mut number = vec![0usize; n + 1];
    let mut depth = vec![0usize; n + 1];
    // Pre-order from the root: parents, sibling numbers, depths; and the order to visit.
    let mut order = Vec::with_capacity(n + 1);
    let mut stack = vec![root];
    while let Some(v) = stack.pop() {
        order.push(v);
        for (i, &c) in children[v].iter().enumerate() {
            parent[c] = v;
            number[c] = i + 1;
            depth[c] = depth[v] + 1;
        }
        stack.extend(children[v].iter().rev());
    }
    let mut w = Walker {
        children: &children,
        width: &width,
        parent: &parent,
        number: &number,
        gap: o.gap,
        prelim: vec![0.0; n + 1],
        modifier: vec![0.0; n + 1],
        shift: vec![0.0; n + 1],
        change: vec![0.0; n + 1],
        thread: vec![None; n + 1],
        ancestor: (0..=n).collect(),
    };
    // First walk: each child's subtree, then its apportioning, left to right.
    w.first_walk(root);
    // Second walk in pre-order: x = prelim + sum of the ancestors' modifiers.
    let mut x = vec![0.0f32; n + 1];
    let mut msum = vec![0.0f32; n + 1];
    for &v in &order {
        let m = if v == root { 0.0 } else { msum[parent[v]] };
        x[v] = w.prelim[v] + m;
        msum[v] = m + w.modifier[v];
    }
    // Rows: each as tall as its tallest box.
    let levels = depth.iter().take(n).copied().max().unwrap_or(1);
    let mut row_h = vec![0.0f32; levels + 1];
    for v in 0..n {
        row_h[depth[v]] = row_h[depth[v]].max(t.heights[v]);
    }
    let mut row_y = vec![0.0f32; levels + 2];
    for d in 1..=levels {
        row_y[d + 1] = row_y[d] + row_h[d] + o.level_gap;
    }
    let left = (0..n)
        .map(|v| x[v] - width[v] / 2.0)
        .fold(f32::INFINITY, f32::min);
    (0..n)
        .map(|v| (x[v] - width[v] / 2.0 - left, row_y[depth[v]]))
        .collect()
}

struct Walker<'a> {
    children: &'a [Vec<usize>],
    width: &'a [f32],
    parent: &'a [usize],
    number: &'a [usize],
    gap: f32,
    prelim: Vec<f32>,
    modifier: Vec<f32>,
    shift: Vec<f32>,
    change: Vec<f32>,
    thread: Vec<Option<usize>>,
    ancestor: Vec<usize>,
}

impl Walker<'_> {
    /// Centre-to-centre distance of two neighbouring boxes.
    fn dist(&self, a: usize, b: usize) -> f32 {
        (self.width[a] + self.width[b]) / 2.0 + self.gap
    }

    fn left_sibling(&self, v: usize) -> Option<usize> {
        let p = self.parent[v];
        (p != usize::MAX && self.number[v] > 1).then(|| self.children[p][self.number[v] - 2])
    }

    fn leftmost_sibling(&self, v: usize) -> usize {
        self.children[self.parent[v]][0]
    }

    fn next_left(&self, v: usize) -> Option<usize> {
        self.children[v].first().copied().or(self.thread[v])
    }

    fn next_right(&self, v: usize) -> Option<usize> {
        self.children[v].last().copied().or(self.thread[v])
    }

    /// Recursive over the subtree of `v` (the depth of an organigram is small).
    fn first_walk(&mut self, v: usize) {
        let ls = self.left_sibling(v);
        if self.children[v].is_empty() {
            self.prelim[v] = ls.map_or(0.0, |w| self.prelim[w] + self.dist(w, v));
            return;
        }
        let all = self.children;
        let kids = &all[v];
        let mut default_ancestor = kids[0];
        for &c in kids {
            self.first_walk(c);
            default_ancestor = self.apportion(c, default_ancestor);
        }
        self.execute_shifts(v);
        let mid = (self.prelim[kids[0]] + self.prelim[kids[kids.len() - 1]]) / 2.0;
        match ls {
            Some(w) => {
                self.prelim[v] = self.prelim[w] + self.dist(w, v);
                self.modifier[v] = self.prelim[v] - mid;
            }
            None => self.prelim[v] = mid,
        }
    }

    fn apportion(&mut self, v: usize, mut default_ancestor: usize) -> usize {
        let Some(w) = self.left_sibling(v) else {
            return default_ancestor;
        };
        let (mut vip, mut vop) = (v, v);
        let mut vim = w;
        let mut vom = self.leftmost_sibling(vip);
        let mut sip = self.modifier[vip];
        let mut sop = self.modifier[vop];
        let mut sim = self.modifier[vim];
        let mut som = self.modifier[vom];
        while let (Some(nr), Some(nl)) = (self.next_right(vim), self.next_left(vip)) {
            vim = nr;
            vip = nl;
            vom = self.next_left(vom).unwrap_or(vom);
            vop = self.next_right(vop).unwrap_or(vop);
            self.ancestor[vop] = v;
            let shift = (self.prelim[vim] + sim) - (self.prelim[vip] + sip) + self.dist(vim, vip);
            if shift > 0.0 {
                let a = self.ancestor_of(vim, v, default_ancestor);
                self.move_subtree(a, v, shift);
                sip += shift;
                sop += shift;
            }
            sim += self.modifier[vim];
            sip += self.modifier[vip];
            som += self.modifier[vom];
            sop += self.modifier[vop];
        }
        if let (Some(nr), None) = (self.next_right(vim), self.next_right(vop)) {
            self.thread[vop] = Some(nr);
            self.modifier[vop] += sim - sop;
        } else {
            if let (Some(nl), None) = (self.next_left(vip), self.next_left(vom)) {
                self.thread[vom] = Some(nl);
                self.modifier[vom] += sip - som;
            }
            default_ancestor = v;
        }
        default_ancestor
    }

    fn ancestor_of(&self, vim: usize, v: usize, default_ancestor: usize) -> usize {
        let a = self.ancestor[vim];
        if self.parent[a] == self.parent[v] {
            a
        } else {
            default_ancestor
        }
    }

    fn move_subtree(&mut self, wm: usize, wp: usize, shift: f32) {
        let subtrees = (self.number[wp] - self.number[wm]) as f32;
        self.change[wp] -= shift / subtrees;
        self.shift[wp] += shift;
        self.change[wm] += shift / subtrees;
        self.prelim[wp] += shift;
        self.modifier[wp] += shift;
    }

    fn execute_shifts(&mut self, v: usize) {
        let (mut shift, mut change) = (0.0, 0.0);
        let all = self.children;
        for &w in all[v].iter().rev() {
            self.prelim[w] += shift;
            self.modifier[w] += shift;
            change += self.change[w];
            shift += self.shift[w] + change;
        }
    }
}

/// One line of text in a box.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct BoxLine {
    pub text: String,
    pub size: f32,
    pub bold: bool,
    pub italic: bool,
    /// The line's baseline below the box's top edge (padding and leading
    /// applied), so that a screen draws what the core measured.
    pub baseline: f32,
}

/// A drawn box: a node of the organigram.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct LayoutBox {
    /// The node's key (`u12`, `z3`, `c083001`).
    pub key: String,
    /// The node's index in the organigram.
    pub node: usize,
    pub x: f32,
    pub y: f32,
    pub w: f32,
    pub h: f32,
    pub lines: Vec<BoxLine>,
    /// How many descendants are hidden because the node is collapsed.
    pub hidden: usize,
}

/// A straight segment of a connector.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Connector {
    pub x1: f32,
    pub y1: f32,
    pub x2: f32,
    pub y2: f32,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct OrgLayout {
    pub width: f32,
    pub height: f32,
    pub boxes: Vec<LayoutBox>,
    pub connectors: Vec<Connector>,
}

/// Padding inside a box and the widest text line.
pub const PAD: f32 = 6.0;
pub const MAX_TEXT: f32 = 170.0;
/// Leading: a line's height is its size times this.
pub const LEADING: f32 = 1.25;
/// The size of a box's smallest lines (kind, description, «e N altre
/// persone»): the print's scale keeps it at 8 pt at least.
pub const SMALLEST: f32 = 7.0;
/// Leaves under one parent from this many on are stacked in a column.
pub const STACK_FROM: usize = 8;
/// Indent of a stacked column (its spine runs in it) and the gap between its boxes.
pub const STACK_INDENT: f32 = 16.0;
pub const STACK_GAP: f32 = 6.0;
/// The most boxes in one column of a stack; a longer stack is split into
/// columns side by side (each with its spine), so the chart stays broad
/// enough to be printed legibly.
pub const STACK_ROWS: usize = 12;

/// The columns of a stack of `n` boxes: balanced, each at most `rows` tall.
fn stack_columns(n: usize, rows: usize) -> (usize, usize) {
    let cols = n.div_ceil(rows.max(1)).max(1);
    (cols, n.div_ceil(cols))
}
/// Members listed in a box; the others are counted.
const MAX_MEMBERS: usize = 6;

/// The width of a text in points, in the fonts of the PDF (the screen draws
/// the same boxes with the same sizes).
pub fn text_width(text: &str, size: f32, bold: bool) -> f32 {
    crate::documents::lines::text_width(text, size, bold)
}

/// Words wrapped to `max` points (a word longer than a line is cut).
fn wrap(text: &str, size: f32, bold: bool, max: f32) -> Vec<String> {
    let mut lines = Vec::new();
    let mut cur = String::new();
    for word in text.split_whitespace() {
        let cand = if cur.is_empty() {
            word.to_string()
        } else {
            format!("{cur} {word}")
        };
        if text_width(&cand, size, bold) <= max || cur.is_empty() {
            cur = cand;
        } else {
            lines.push(std::mem::take(&mut cur));
            cur = word.to_string();
        }
        while text_width(&cur, size, bold) > max && cur.chars().count() > 1 {
            // Cut an overlong word where it still fits.
            let mut cut = cur.chars().count() - 1;
            while cut > 1
                && text_width(&cur.chars().take(cut).collect::<String>(), size, bold) > max
            {
                cut -= 1;
            }
            lines.push(cur.chars().take(cut).collect());
            cur = cur.chars().skip(cut).collect();
        }
    }
    if !cur.is_empty() {
        lines.push(cur);
    }
    lines
}

/// The lines of a node's box.
fn box_lines(o: &Organigram, i: usize) -> Vec<BoxLine> {
    let n = &o.nodes[i];
    let mut out = Vec::new();
    let mut add = |text: &str, size: f32, bold: bool, italic: bool| {
        for l in wrap(text, size, bold, MAX_TEXT) {
            out.push(BoxLine {
                text: l,
                size,
                bold,
                italic,
                baseline: 0.0,
            });
        }
    };
    add(&n.name, 9.0, true, false);
    if n.kind_label != n.name && !n.name.starts_with("Comune di") {
        add(&n.kind_label, SMALLEST, false, true);
    }
    let holders = n.holders();
    // The description that names the holder by office is said by the holder's line.
    let by_office = n.members.is_empty() && n.ex_officio.is_some();
    if let Some(d) = n.description.as_ref().filter(|_| !by_office) {
        add(d, SMALLEST, false, true);
    }
    for m in holders.iter().take(MAX_MEMBERS) {
        add(&format!("{}: {}", m.title, m.full_name), 8.0, false, false);
    }
    if holders.len() > MAX_MEMBERS {
        let more = holders.len() - MAX_MEMBERS;
        add(
            &format!(
                "e {more} {}",
                if more == 1 {
                    "altra persona"
                } else {
                    "altre persone"
                }
            ),
            SMALLEST,
            false,
            true,
        );
    }
    let mut top = PAD;
    for l in &mut out {
        l.baseline = top + l.size;
        top += l.size * LEADING;
    }
    out
}

/// Lays out the organigram; the nodes whose key is in `collapsed` hide their descendants.
pub fn layout(o: &Organigram, collapsed: &[String], opts: &LayoutOptions) -> OrgLayout {
    layout_with(o, collapsed, opts, Stacking::default())
}

/// [`layout`] with the leaves stacked as `stacking` says.
pub fn layout_with(
    o: &Organigram,
    collapsed: &[String],
    opts: &LayoutOptions,
    stacking: Stacking,
) -> OrgLayout {
    // The visible nodes, in pre-order.
    let mut visible: Vec<usize> = Vec::new();
    let mut index = vec![usize::MAX; o.nodes.len()];
    let mut hidden = vec![0usize; o.nodes.len()];
    let mut stack: Vec<usize> = o
        .nodes
        .iter()
        .enumerate()
        .filter(|(_, n)| n.parent.is_none())
        .map(|(i, _)| i)
        .rev()
        .collect();
    while let Some(i) = stack.pop() {
        index[i] = visible.len();
        visible.push(i);
        if collapsed.contains(&o.nodes[i].key) {
            hidden[i] = count_descendants(o, i);
        } else {
            stack.extend(o.nodes[i].children.iter().rev());
        }
    }
    // Box sizes of the visible nodes.
    let mut lines = Vec::with_capacity(visible.len());
    let mut size = Vec::with_capacity(visible.len());
    for &i in &visible {
        let l = box_lines(o, i);
        let w = l
            .iter()
            .map(|b| text_width(&b.text, b.size, b.bold))
            .fold(0.0f32, f32::max)
            .max(60.0)
            // A little slack: a screen's rendering of the same font may run wider.
            * 1.04
            + 2.0 * PAD;
        let h = l.iter().map(|b| b.size * LEADING).sum::<f32>() + 2.0 * PAD;
        size.push((w.ceil(), h.ceil()));
        lines.push(l);
    }
    let open = |i: usize| !collapsed.contains(&o.nodes[i].key);
    let leaf = |c: usize| o.nodes[c].children.is_empty();
    // The children of a parent stacked in columns under it (a zone's
    // comuni): all of them when they are many leaves, or (`stack_mixed`)
    // its many leaves beside its branches; the others stay in the row.
    let split = |i: usize| -> (Vec<usize>, Vec<usize>) {
        let kids = &o.nodes[i].children;
        let leaves = kids.iter().filter(|&&c| leaf(c)).count();
        let all = leaves == kids.len();
        if open(i) && leaves >= STACK_FROM && (all || stacking.mixed) {
            kids.iter().partition(|&&c| !leaf(c))
        } else {
            (kids.clone(), Vec::new())
        }
    };
    let mut stacked = vec![false; o.nodes.len()];
    for &i in &visible {
        for c in split(i).1 {
            stacked[c] = true;
        }
    }
    // The tree given to `tidy`: visible nodes outside stacks, and one block per stack.
    let mut tid = vec![usize::MAX; visible.len()];
    let mut input = LayoutInput::default();
    for (v, &i) in visible.iter().enumerate() {
        if !stacked[i] {
            tid[v] = input.widths.len();
            input.widths.push(size[v].0);
            input.heights.push(size[v].1);
            input.children.push(Vec::new());
        }
    }
    // (tidy index of the block, visible children in it)
    let mut blocks: Vec<(usize, Vec<usize>)> = Vec::new();
    for (v, &i) in visible.iter().enumerate() {
        if tid[v] == usize::MAX || !open(i) {
            continue;
        }
        let (row, stack) = split(i);
        let mut children: Vec<usize> = row.iter().map(|&c| tid[index[c]]).collect();
        if !stack.is_empty() {
            let kids: Vec<usize> = stack.iter().map(|&c| index[c]).collect();
            let (cols, rows) = stack_columns(kids.len(), stacking.rows);
            let col_w = kids.iter().map(|&k| size[k].0).fold(0.0, f32::max) + STACK_INDENT;
            let w = col_w * cols as f32 + opts.gap * (cols - 1) as f32;
            let h = kids
                .chunks(rows)
                .map(|c| {
                    c.iter().map(|&k| size[k].1).sum::<f32>() + STACK_GAP * (c.len() - 1) as f32
                })
                .fold(0.0, f32::max);
            let b = input.widths.len();
            input.widths.push(w);
            input.heights.push(h);
            input.children.push(Vec::new());
            children.push(b);
            blocks.push((b, kids));
        }
        input.children[tid[v]] = children;
        if o.nodes[i].parent.is_none() {
            input.roots.push(tid[v]);
        }
    }
    for (v, &i) in visible.iter().enumerate() {
        if o.nodes[i].parent.is_none() && !input.roots.contains(&tid[v]) {
            input.roots.push(tid[v]);
        }
    }
    input.roots.sort_unstable();
    let pos = tidy(&input, opts);
    let mut at = vec![(0.0f32, 0.0f32); visible.len()];
    for v in 0..visible.len() {
        if tid[v] != usize::MAX {
            at[v] = pos[tid[v]];
        }
    }
    for (b, kids) in &blocks {
        let (x0, y0) = pos[*b];
        let (_, rows) = stack_columns(kids.len(), stacking.rows);
        let col_w = kids.iter().map(|&k| size[k].0).fold(0.0, f32::max) + STACK_INDENT;
        for (c, column) in kids.chunks(rows).enumerate() {
            let x = x0 + c as f32 * (col_w + opts.gap);
            let mut y = y0;
            for &k in column {
                at[k] = (x + STACK_INDENT, y);
                y += size[k].1 + STACK_GAP;
            }
        }
    }
    let boxes: Vec<LayoutBox> = visible
        .iter()
        .zip(lines)
        .enumerate()
        .map(|(v, (&i, l))| LayoutBox {
            key: o.nodes[i].key.clone(),
            node: i,
            x: at[v].0,
            y: at[v].1,
            w: size[v].0,
            h: size[v].1,
            lines: l,
            hidden: hidden[i],
        })
        .collect();
    // Orthogonal connectors: down from the parent to a bus, down from the
    // bus to each child of the row; for a stack, down a spine at the left
    // of each column with a tick to each box.
    let mut connectors = Vec::new();
    for (v, &i) in visible.iter().enumerate() {
        if tid[v] == usize::MAX || !open(i) || o.nodes[i].children.is_empty() {
            continue;
        }
        let (row, stack) = split(i);
        let row: Vec<usize> = row.iter().map(|&c| index[c]).collect();
        let stack: Vec<usize> = stack.iter().map(|&c| index[c]).collect();
        let p = &boxes[v];
        let px = p.x + p.w / 2.0;
        let top = row
            .iter()
            .chain(&stack)
            .map(|&k| boxes[k].y)
            .fold(f32::INFINITY, f32::min);
        let mid = top - opts.level_gap / 2.0;
        connectors.push(Connector {
            x1: px,
            y1: p.y + p.h,
            x2: px,
            y2: mid,
        });
        let rows = stack_columns(stack.len(), stacking.rows).1;
        let spines: Vec<f32> = stack
            .chunks(rows.max(1))
            .map(|c| boxes[c[0]].x - STACK_INDENT / 2.0)
            .collect();
        let centres = row.iter().map(|&k| boxes[k].x + boxes[k].w / 2.0);
        let (l, r) = centres
            .chain(spines.iter().copied())
            .fold((px, px), |(l, r), x| (l.min(x), r.max(x)));
        if r > l {
            connectors.push(Connector {
                x1: l,
                y1: mid,
                x2: r,
                y2: mid,
            });
        }
        for &k in &row {
            let c = &boxes[k];
            let cx = c.x + c.w / 2.0;
            connectors.push(Connector {
                x1: cx,
                y1: mid,
                x2: cx,
                y2: c.y,
            });
        }
        for (column, &spine) in stack.chunks(rows.max(1)).zip(&spines) {
            let last = &boxes[column[column.len() - 1]];
            connectors.push(Connector {
                x1: spine,
                y1: mid,
                x2: spine,
                y2: last.y + last.h / 2.0,
            });
            for &k in column {
                let c = &boxes[k];
                connectors.push(Connector {
                    x1: spine,
                    y1: c.y + c.h / 2.0,
                    x2: c.x,
                    y2: c.y + c.h / 2.0,
                });
            }
        }
    }
    let width = boxes.iter().map(|b| b.x + b.w).fold(0.0, f32::max);
    let height = boxes.iter().map(|b| b.y + b.h).fold(0.0, f32::max);
    OrgLayout {
        width,
        height,
        boxes,
        connectors,
    }
}

fn count_descendants(o: &Organigram, i: usize) -> usize {
    o.nodes[i]
        .children
        .iter()
        .map(|&c| 1 + count_descendants(o, c))
        .sum()
}
