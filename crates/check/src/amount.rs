//! Exact, panic-free arithmetic on quantities of one unit family, shared by the rules.
//!
//! Money is compared in yen (`38,353千円` = `38,353,000円`); other units compare as written.
//! Conversions are the model's ([`Quantity::base_value`], [`Unit::from_base`]); sums here are
//! checked, because `Decimal`'s operators panic on overflow and a document may hold absurdly
//! large numbers.

use kaikaku_model::{Decimal, Quantity, Unit};

/// True when `a` and `b` can be summed together: both additive (not % or 点) and of one family
/// (the same unit, or both money).
pub(crate) fn summable(a: Unit, b: Unit) -> bool {
    a.is_additive() && b.is_additive() && a.same_family(b)
}

/// The value in the family's base unit: yen for money, the value itself otherwise. `None` on
/// overflow.
pub(crate) fn base(quantity: &Quantity) -> Option<Decimal> {
    quantity.base_value()
}

/// A base value (yen for money) expressed in `unit`. `None` on overflow.
pub(crate) fn in_unit(base: Decimal, unit: Unit) -> Option<Decimal> {
    unit.from_base(base)
}

/// The sum of the quantities in their base unit. `None` on overflow.
pub(crate) fn sum<'a>(quantities: impl IntoIterator<Item = &'a Quantity>) -> Option<Decimal> {
    quantities
        .into_iter()
        .try_fold(Decimal::ZERO, |acc, q| acc.checked_add(base(q)?))
}

#[cfg(test)]
mod tests {
    use super::*;
    use kaikaku_model::quantity::scan;

    fn quantity(text: &str) -> Quantity {
        scan(text).remove(0).quantity
    }

    #[test]
    fn money_is_compared_in_yen() {
        assert_eq!(base(&quantity("4,732千円")), Some(Decimal::from(4_732_000)));
        assert_eq!(
            base(&quantity("186百万円")),
            Some(Decimal::from(186_000_000))
        );
        assert_eq!(base(&quantity("12 施設")), Some(Decimal::from(12)));
        assert_eq!(
            in_unit(Decimal::from(410_732_000), Unit::ThousandYen),
            Some(Decimal::from(410_732))
        );
        assert_eq!(
            in_unit(Decimal::from(1_500), Unit::ThousandYen),
            Some(Decimal::new(15, 1))
        );
        let parts = [quantity("110,000千円"), quantity("4,732,000円")];
        assert_eq!(sum(&parts), Some(Decimal::from(114_732_000)));
    }

    #[test]
    fn family_rules() {
        assert!(summable(Unit::Yen, Unit::ThousandYen));
        assert!(summable(Unit::Count("件"), Unit::Count("件")));
        assert!(!summable(Unit::Count("件"), Unit::Count("人")));
        assert!(!summable(Unit::Percent, Unit::Percent));
        assert!(!summable(Unit::Points, Unit::Points));
        assert!(!summable(Unit::Yen, Unit::Count("件")));
    }

    #[test]
    fn overflow_is_none_not_a_panic() {
        let huge = Quantity {
            label: String::new(),
            value: Decimal::MAX,
            unit: Unit::HundredMillionYen,
            status: None,
        };
        assert_eq!(base(&huge), None);
        let big = Quantity {
            unit: Unit::Yen,
            ..huge
        };
        assert_eq!(sum([&big, &big]), None);
    }
}
