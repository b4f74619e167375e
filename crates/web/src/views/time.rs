//! Dates and times as Japanese users write them: 和暦 dates, and timestamps in Japan time.

use chrono::{DateTime, NaiveDate, Timelike};
use kaikaku_model::calendar::{japan_time, wareki_date};

/// `2026-11-29T01:35:00Z` as `令和8年11月29日 10:35` (Japan time); the text itself when it is
/// not such a timestamp.
pub fn when(rfc3339: &str) -> String {
    match DateTime::parse_from_rfc3339(rfc3339) {
        Ok(at) => {
            let japan = japan_time(at.naive_utc());
            format!(
                "{} {:02}:{:02}",
                wareki_date(japan.date()),
                japan.hour(),
                japan.minute()
            )
        }
        Err(_) => rfc3339.to_owned(),
    }
}

/// `令和8年11月30日`.
pub fn date(date: NaiveDate) -> String {
    wareki_date(date)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn times_are_shown_in_wareki_japan_time() {
        assert_eq!(when("2026-11-29T01:35:00Z"), "令和8年11月29日 10:35");
        assert_eq!(when("2026-11-29T20:05:00Z"), "令和8年11月30日 05:05");
        assert_eq!(when("not a time"), "not a time");
    }
}
