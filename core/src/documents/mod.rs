//! Documents: templates filled from the archive, typeset into PDF/A-2b with
//! printpdf and written as editable DOCX, and the register of what was
//! generated.

pub mod fonts;
pub mod layout;
pub mod markup;
pub mod pdf;
