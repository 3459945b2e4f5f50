//! Pieces of UI used by several pages.

pub mod attachments;
pub mod business;
pub mod chart;
pub mod chart_layout;
pub mod commerce;
pub mod deflection;
pub mod form;
pub mod guard;
pub mod live;
pub mod nav;
pub mod pager;
pub mod panels;
pub mod search_box;
pub mod workshop_sessions;
