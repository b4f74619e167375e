//! The domain model of kaikaku: reform plans, their items and yearly progress reports, fiscal
//! years and Japanese eras, and quantities with units.
//!
//! This crate does no IO and defines no wire format. Eras, fiscal years, dates, quantities and
//! units are parsed here and nowhere else; the rules of the reporting cycle (roles, sheet
//! states, who may do what) are decided here and nowhere else.

pub mod calendar;
pub mod limits;
pub mod municipality;
pub mod quantity;
pub mod report;
pub mod text;
pub mod workflow;

pub use calendar::{Era, FiscalYear, YearError, YearMention};
pub use limits::{Limits, Violation};
pub use municipality::{CodeError, LocalGovernmentCode, Municipality};
pub use quantity::{Quantity, Status, Unit};
pub use report::{
    Action, ContentRow, EffectRow, Evaluation, Item, ItemNo, Line, Narrative, NarrativeKind, Phase,
    Report, Repost, ScheduleCell, SummaryRow, Warning,
};
pub use rust_decimal::Decimal;
