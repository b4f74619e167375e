//! Developer tasks, not part of the product: a national-size corpus of generated progress
//! reports ([`corpus`]), a measurement of reading it ([`measure`]) and of searching it once
//! stored ([`search`]); the check that no module imports a sibling that imports it back
//! ([`cycles`]).

pub mod corpus;
pub mod cycles;
pub mod measure;
pub mod search;
