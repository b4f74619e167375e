//! Municipalities (地方公共団体) and their codes (全国地方公共団体コード, 総務省).
//!
//! A code has six digits: two for the prefecture, three for the municipality, and a check
//! digit. The check digit is the last digit of `11 − (Σ dᵢ·wᵢ mod 11)` with weights 6, 5, 4,
//! 3, 2 over the first five digits (北海道 `010006`, 札幌市 `011002`, 東京都 `130001`).

use std::fmt;

use crate::text::fold_key;

/// A valid 全国地方公共団体コード: six ASCII digits whose check digit holds.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct LocalGovernmentCode([u8; 6]);

/// Why a 地方公共団体コード was refused.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum CodeError {
    /// Not six digits (full-width digits are accepted).
    NotSixDigits(String),
    /// The check digit does not match the first five digits.
    CheckDigit {
        /// The code as given.
        code: String,
        /// The check digit the first five digits call for.
        expected: u8,
    },
}

impl fmt::Display for CodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            CodeError::NotSixDigits(t) => {
                write!(f, "地方公共団体コード「{t}」は6桁の数字ではありません")
            }
            CodeError::CheckDigit { code, expected } => write!(
                f,
                "地方公共団体コード「{code}」の検査数字が合いません（正しくは末尾が {expected}）"
            ),
        }
    }
}

impl std::error::Error for CodeError {}

impl LocalGovernmentCode {
    /// Reads a six-digit code (half- or full-width digits, surrounding spaces ignored) and
    /// checks its check digit.
    pub fn parse(text: &str) -> Result<LocalGovernmentCode, CodeError> {
        let folded = fold_key(text);
        let digits: Vec<u8> = folded
            .trim()
            .bytes()
            .map(|b| b.wrapping_sub(b'0'))
            .collect();
        let Ok(digits) = <[u8; 6]>::try_from(digits) else {
            return Err(CodeError::NotSixDigits(text.to_owned()));
        };
        if digits.iter().any(|&d| d > 9) {
            return Err(CodeError::NotSixDigits(text.to_owned()));
        }
        let expected = check_digit(&digits[..5]);
        if digits[5] != expected {
            return Err(CodeError::CheckDigit {
                code: text.to_owned(),
                expected,
            });
        }
        Ok(LocalGovernmentCode(digits))
    }

    /// The two-digit prefecture code (`01` 北海道 … `47` 沖縄県).
    pub fn prefecture(self) -> u8 {
        self.0[0] * 10 + self.0[1]
    }

    /// The prefecture's name (JIS X 0401), or `None` for a code outside 01–47 (the demo
    /// towns' 99).
    pub fn prefecture_name(self) -> Option<&'static str> {
        prefecture_name(self.prefecture())
    }
}

/// The name of the prefecture with the two-digit code `code` (JIS X 0401: 1 北海道 … 47
/// 沖縄県), or `None` for any other number.
pub fn prefecture_name(code: u8) -> Option<&'static str> {
    let index = usize::from(code).checked_sub(1)?;
    PREFECTURES.get(index).copied()
}

/// The prefectures in the order of their codes (JIS X 0401: 01 北海道 … 47 沖縄県).
const PREFECTURES: [&str; 47] = [
    "北海道",
    "青森県",
    "岩手県",
    "宮城県",
    "秋田県",
    "山形県",
    "福島県",
    "茨城県",
    "栃木県",
    "群馬県",
    "埼玉県",
    "千葉県",
    "東京都",
    "神奈川県",
    "新潟県",
    "富山県",
    "石川県",
    "福井県",
    "山梨県",
    "長野県",
    "岐阜県",
    "静岡県",
    "愛知県",
    "三重県",
    "滋賀県",
    "京都府",
    "大阪府",
    "兵庫県",
    "奈良県",
    "和歌山県",
    "鳥取県",
    "島根県",
    "岡山県",
    "広島県",
    "山口県",
    "徳島県",
    "香川県",
    "愛媛県",
    "高知県",
    "福岡県",
    "佐賀県",
    "長崎県",
    "熊本県",
    "大分県",
    "宮崎県",
    "鹿児島県",
    "沖縄県",
];

/// The check digit of the first five digits of a code.
fn check_digit(first_five: &[u8]) -> u8 {
    let sum: u32 = first_five
        .iter()
        .zip([6u32, 5, 4, 3, 2])
        .map(|(&d, w)| u32::from(d) * w)
        .sum();
    ((11 - sum % 11) % 10) as u8
}

impl fmt::Display for LocalGovernmentCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for d in self.0 {
            write!(f, "{d}")?;
        }
        Ok(())
    }
}

/// The municipality a plan belongs to.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Municipality {
    /// Its 全国地方公共団体コード.
    pub code: LocalGovernmentCode,
    /// Its name as it writes it, e.g. `楓町`, `桜川市`.
    pub name: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn real_codes_hold() {
        for code in ["010006", "011002", "130001", "131016", "271004", "472018"] {
            let parsed = LocalGovernmentCode::parse(code).expect(code);
            assert_eq!(parsed.to_string(), code);
        }
        assert_eq!(
            LocalGovernmentCode::parse("１３０００１").map(|c| c.prefecture()),
            Ok(13)
        );
    }

    #[test]
    fn prefectures_are_named_by_their_code() {
        let name = |code: &str| {
            LocalGovernmentCode::parse(code)
                .expect(code)
                .prefecture_name()
        };
        assert_eq!(name("010006"), Some("北海道"));
        assert_eq!(name("131016"), Some("東京都"));
        assert_eq!(name("271004"), Some("大阪府"));
        assert_eq!(name("472018"), Some("沖縄県"));
        assert_eq!(name("999997"), None);
        assert_eq!(prefecture_name(13), Some("東京都"));
        assert_eq!(prefecture_name(0), None);
        assert_eq!(prefecture_name(48), None);
    }

    #[test]
    fn a_wrong_check_digit_is_named() {
        assert_eq!(
            LocalGovernmentCode::parse("130002"),
            Err(CodeError::CheckDigit {
                code: "130002".into(),
                expected: 1
            })
        );
        for bad in ["13000", "1300011", "13000a", "", "13 001"] {
            assert!(
                matches!(
                    LocalGovernmentCode::parse(bad),
                    Err(CodeError::NotSixDigits(_))
                ),
                "{bad}"
            );
        }
    }
}
