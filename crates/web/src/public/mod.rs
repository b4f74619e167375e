//! The public site, open to anyone without logging in: the published editions and what is
//! made of them. [`service`] is the one read of published data that the pages, the PDF and the
//! JSON API call; [`pages`] the top page, editions and item sheets; [`municipalities`] a
//! town's page and files; [`across`] the national and prefecture figures; [`dashboard`] an
//! edition's or a plan's figures and the comparison of two years; [`downloads`] an edition's
//! files; [`pdf`] the printed edition; [`search`] Japanese full-text search.

pub(crate) mod across;
pub(crate) mod dashboard;
pub(crate) mod downloads;
pub(crate) mod municipalities;
pub(crate) mod pages;
pub mod pdf;
pub(crate) mod search;
pub(crate) mod service;
