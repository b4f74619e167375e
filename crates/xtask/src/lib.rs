//! Developer tasks, not part of the product: a national-size corpus of generated progress
//! reports ([`corpus`]), a measurement of reading it ([`measure`]) and of searching it once
//! stored ([`search`]).

pub mod corpus;
pub mod measure;
pub mod search;
