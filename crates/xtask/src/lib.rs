//! Developer tasks, not part of the product: a national-size corpus of generated progress
//! reports ([`corpus`]) and a measurement of reading it ([`measure`]).

pub mod corpus;
pub mod measure;
