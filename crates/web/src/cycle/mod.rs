//! The reporting cycle on the web: [`service`] holds every operation (shared with the JSON
//! API), [`form`] reads the sheet form (whose inputs are named by [`form_field`]), [`views`]
//! builds what the pages show, and `pages` serves them as server-rendered forms that work
//! without JavaScript, with the notices of `notice` after each successful POST.

pub mod form;
pub mod form_field;
pub(crate) mod notice;
pub(crate) mod pages;
pub mod service;
pub mod views;
