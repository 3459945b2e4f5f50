//! Pieces of UI used by several pages.

pub mod form;
pub mod nav;
pub mod panels;
