//! Figures computed from published reports, as pure functions (no IO): the dashboard of one
//! edition and of a plan across its editions ([`mod@dashboard`]), the comparison of two
//! editions of a plan ([`mod@compare`]), and one report year across municipalities, per
//! prefecture and nationally ([`mod@across`]).
//!
//! All of them read the effects tables through [`effects::figures`], the one place that decides
//! whether a value counts as 実績, 計画 or 見込み; money is converted to yen by the model
//! ([`kaikaku_model::Quantity::yen`]) and summed as exact decimals.

pub mod across;
pub mod compare;
pub mod dashboard;
pub mod effects;
pub mod state;

pub use across::{Across, Area, AreaSummary, Reporter, Row, Tally, Totals, across, report_years};
pub use compare::{Comparison, ItemComparison, NumericDelta, Presence, compare};
pub use dashboard::{
    EditionDashboard, ForecastActual, Group, ItemYen, PlanDashboard, YearYen, edition, plan,
};
pub use effects::{Basis, EffectStatus, Figure, figures};
pub use state::ItemState;
