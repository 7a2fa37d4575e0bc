//! «Relazione annuale della Comunità di Pratiche – anno N»: the figures of
//! the year beside the previous year's, each chart followed by its table,
//! between the introduction and conclusions the secretariat writes, closed
//! by the notes on what the archive does not keep the history of. A
//! document of the network: the Città Metropolitana's header.

use super::{YearFigures, YearTexts, SECTIONS};
use crate::documents::chart::Chart;
use crate::documents::element::Custom;
use crate::documents::meta::Meta;
use crate::documents::model::{span, Block, Document, PageSize, Span, Style};
use crate::documents::render::{Format, Prepared};
use crate::error::Result;
use crate::Store;

fn para(text: &str) -> Block {
    Block::paragraph(span(text, false))
}

fn italic(text: &str) -> Block {
    Block::paragraph(vec![Span {
        text: text.to_string(),
        bold: false,
        italic: true,
    }])
}

/// Paragraphs of a text the user wrote (a blank line or a line break
/// starts a new one); an empty text leaves lines to fill by hand.
fn written(text: &str) -> Vec<Block> {
    let paras: Vec<Block> = text
        .split('\n')
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .map(para)
        .collect();
    if paras.is_empty() {
        vec![
            para(&"…".repeat(90)),
            para(&"…".repeat(90)),
            para(&"…".repeat(60)),
        ]
    } else {
        paras
    }
}

/// The report's blocks.
pub(super) fn build(f: &YearFigures, texts: &YearTexts) -> Document {
    let year = f.year;
    let mut blocks = vec![
        Block::heading(
            1,
            format!("Relazione annuale della Comunità di Pratiche – anno {year}"),
            false,
        ),
        para(&format!(
            "Comunità di Pratiche dei Responsabili della prevenzione della corruzione e della trasparenza (RPCT) dei comuni della Città Metropolitana di Messina. Dati registrati nell'archivio della Segreteria Generale al {}{}, a confronto con quelli al 31 dicembre {}.",
            crate::text::date_it(&f.at),
            if f.provisional { " (anno in corso: dati provvisori)" } else { "" },
            year - 1
        )),
        Block::Toc,
        Block::heading(2, "1. Introduzione", true),
    ];
    blocks.extend(written(&texts.introduction));
    for (i, section) in SECTIONS.iter().enumerate() {
        blocks.push(Block::heading(2, format!("{}. {section}", i + 2), true));
        if let Some((_, s)) = f.summaries.iter().find(|(k, _)| k == section) {
            blocks.push(para(s));
        }
        for fig in f.figures.iter().filter(|x| x.section == *section) {
            blocks.push(Block::heading(3, fig.title.clone(), false));
            match &fig.drawing {
                Some(super::Drawing::Chart(c)) => blocks.extend(Chart::blocks(c.clone())),
                Some(super::Drawing::Map(m)) => {
                    blocks.push(Block::Element(Custom::new(m.clone())));
                    blocks.push(Block::Grid(m.table("Stato del percorso di adesione")));
                }
                None => {}
            }
        }
    }
    blocks.push(Block::heading(
        2,
        format!("{}. Conclusioni", SECTIONS.len() + 2),
        true,
    ));
    blocks.extend(written(&texts.conclusions));
    blocks.push(Block::heading(2, "Nota sui dati", true));
    blocks.push(Block::List {
        ordered: false,
        items: f
            .notes
            .iter()
            .map(|n| span(n, false))
            .chain(std::iter::once(span(
                "Ogni grafico è seguito dalla tabella dei suoi valori. Comuni aderenti: i comuni che hanno sottoscritto il Protocollo d'intesa. Ore di formazione: la durata delle giornate formative svolte (non annullate) secondo il calendario.",
                false,
            )))
            .collect(),
    });
    blocks.push(italic(
        "Fonte: archivio della Comunità di Pratiche – Città Metropolitana di Messina, Segreteria Generale. Confini e popolazione dei comuni: ISTAT, elaborazione Openpolis (CC BY 4.0).",
    ));
    Document {
        title: format!("Relazione annuale della Comunità di Pratiche – anno {year}"),
        header: vec![
            "Città Metropolitana di Messina – Segreteria Generale".into(),
            format!("Comunità di Pratiche dei RPCT – Relazione annuale {year}"),
        ],
        size: PageSize::A4Portrait,
        style: Style::Report,
        blocks,
    }
}

impl Store {
    /// The network's report of `year`, ready to render outside the lock.
    pub fn yearly_report(&self, year: i32, format: Format) -> Result<Prepared> {
        let figures = self.yearly_figures(year)?;
        let texts = self.yearly_texts(year)?;
        let doc = build(&figures, &texts);
        let meta = Meta::new(
            doc.title.clone(),
            "Comunità di Pratiche dei RPCT – relazione annuale",
        )
        .by(crate::documents::author(&self.conn)?)
        .keywords([
            "Comunità di Pratiche",
            "relazione annuale",
            "anticorruzione",
        ]);
        Ok(Prepared { doc, format, meta })
    }
}
