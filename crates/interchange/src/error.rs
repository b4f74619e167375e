//! Why a JSON document in the interchange format does not make a report: the problem and the
//! path of the field that has it.

use std::fmt;

/// A field of an interchange document that does not convert to the model, with its path
/// (`items[18].effects[0].quantities[1].unit`).
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{path}: {problem}")]
pub struct InterchangeError {
    /// Where the field is, from the document root: `items[3].narratives[0].kind`.
    pub path: String,
    /// What is wrong with it.
    pub problem: Problem,
}

/// What is wrong with a field.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Problem {
    /// A fiscal year outside the range the model accepts (1868…2200).
    FiscalYear(i32),
    /// A value that is not a decimal number written as a string (`"427794446"`, `"32.3"`).
    Decimal(String),
    /// A decimal with more digits than a value keeps (28): refused, never rounded.
    TooPrecise(String),
    /// A unit symbol that the model does not know.
    Unit(String),
    /// A status other than `actual`, `plan`, `target`, `forecast`.
    Status(String),
    /// A narrative kind other than `actual`, `forecast`, `plan`.
    NarrativeKind(String),
    /// Not a six-digit 全国地方公共団体コード with a valid check digit.
    MunicipalityCode(String),
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Problem::FiscalYear(year) => write!(f, "{year}は対応範囲外の年度です"),
            Problem::Decimal(text) => write!(f, "「{text}」は10進数として読めません"),
            Problem::TooPrecise(text) => {
                write!(f, "「{text}」は桁数が多すぎます（28桁まで）")
            }
            Problem::Unit(text) => write!(f, "「{text}」は単位として読めません"),
            Problem::Status(text) => write!(
                f,
                "「{text}」は状態として読めません（actual, plan, target, forecast のいずれか）"
            ),
            Problem::NarrativeKind(text) => write!(
                f,
                "「{text}」は記述の種類として読めません（actual, forecast, plan のいずれか）"
            ),
            Problem::MunicipalityCode(text) => write!(
                f,
                "「{text}」は地方公共団体コード（検査数字つき6桁）として読めません"
            ),
        }
    }
}

impl InterchangeError {
    /// An error at the field `field` (a leaf name such as `value`).
    pub(crate) fn at(field: &str, problem: Problem) -> InterchangeError {
        InterchangeError {
            path: field.to_owned(),
            problem,
        }
    }

    /// The same error seen from the parent: `segment` (`quantities[1]`) goes in front of the
    /// path.
    pub(crate) fn within(mut self, segment: impl fmt::Display) -> InterchangeError {
        self.path = format!("{segment}.{}", self.path);
        self
    }
}
