//! Dates and times as Japanese users write them: 和暦 dates, and timestamps in Japan time.

use chrono::{DateTime, NaiveDate, Timelike, Utc};
use kaikaku_model::calendar::{japan_time, wareki_date};

/// `2026-11-29T01:35:00Z` as `令和8年11月29日 10:35` (Japan time).
pub fn when(at: DateTime<Utc>) -> String {
    let japan = japan_time(at.naive_utc());
    format!(
        "{} {:02}:{:02}",
        wareki_date(japan.date()),
        japan.hour(),
        japan.minute()
    )
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
        let at = |text| {
            DateTime::parse_from_rfc3339(text)
                .expect("a timestamp")
                .with_timezone(&Utc)
        };
        assert_eq!(when(at("2026-11-29T01:35:00Z")), "令和8年11月29日 10:35");
        assert_eq!(when(at("2026-11-29T20:05:00Z")), "令和8年11月30日 05:05");
    }
}
