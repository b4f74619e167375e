//! Figures computed from published reports, as pure functions (no IO): the dashboard of one
//! edition and of a plan across its editions ([`mod@dashboard`]), and the comparison of two
//! editions of a plan ([`mod@compare`]).
//!
//! Both read the effects tables through [`effects::figures`], the one place that decides
//! whether a value counts as 実績, 計画 or 見込み; money is converted to yen by the model
//! ([`kaikaku_model::Quantity::yen`]) and summed as exact decimals.

pub mod compare;
pub mod dashboard;
pub mod effects;
pub mod state;

pub use compare::{Comparison, ItemComparison, NumericDelta, Presence, compare};
pub use dashboard::{
    EditionDashboard, ForecastActual, Group, ItemYen, PlanDashboard, YearYen, edition, plan,
};
pub use effects::{Basis, EffectStatus, Figure, figures};
pub use state::ItemState;
