//! The `#[tauri::command]`s, one file per domain, each named
//! `<domain>_<verb>`: a command deserialises its arguments, calls the core
//! and returns its answer or [`crate::error::Error`].

pub mod adhesion;
pub mod app;
pub mod archive;
pub mod comms;
pub mod documents;
pub mod imports;
pub mod organigram;
pub mod piao;
pub mod registry;
pub mod risks;
pub mod training;
pub mod yearly;
pub mod zones;
