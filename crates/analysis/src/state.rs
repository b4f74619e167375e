//! The state of an item in a fiscal year: the phase its schedule gives that year.

use kaikaku_model::{FiscalYear, Item, Phase};

/// What an item's schedule says about one fiscal year.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum ItemState {
    /// The phases written in the year's cells (`② (検討)`), distinct, in row order.
    Phases(Vec<Phase>),
    /// Actions are scheduled (`①～③`) but no phase is written.
    Unphased,
    /// Every cell of the year is empty (or the item has no schedule for it).
    NotScheduled,
}

impl ItemState {
    /// The state of `item` in `year`. Cells with a phase decide; cells without one only tell
    /// that something is scheduled.
    pub fn of(item: &Item, year: FiscalYear) -> ItemState {
        let cells = item
            .contents
            .iter()
            .flat_map(|row| row.schedule.iter())
            .filter(|cell| cell.fiscal_year == year);
        let mut phases: Vec<Phase> = Vec::new();
        let mut scheduled = false;
        for cell in cells {
            scheduled |= !cell.actions.is_empty();
            if let Some(phase) = &cell.phase {
                if !phases.contains(phase) {
                    phases.push(phase.clone());
                }
            }
        }
        match (phases.is_empty(), scheduled) {
            (false, _) => ItemState::Phases(phases),
            (true, true) => ItemState::Unphased,
            (true, false) => ItemState::NotScheduled,
        }
    }

    /// The Japanese label: `検討`, `試行・実施`, `段階の記載なし`, `予定なし`.
    pub fn label(&self) -> String {
        match self {
            ItemState::Phases(phases) => phases
                .iter()
                .map(Phase::word)
                .collect::<Vec<_>>()
                .join("・"),
            ItemState::Unphased => "段階の記載なし".to_owned(),
            ItemState::NotScheduled => "予定なし".to_owned(),
        }
    }

    /// Where the state sorts on a page: 検討, 試行, 実施, other words, several phases, then
    /// 段階の記載なし and 予定なし.
    pub fn rank(&self) -> u8 {
        match self {
            ItemState::Phases(phases) => match phases.as_slice() {
                [Phase::Study] => 0,
                [Phase::Trial] => 1,
                [Phase::Implementation] => 2,
                [Phase::Other(_)] => 3,
                _ => 4,
            },
            ItemState::Unphased => 5,
            ItemState::NotScheduled => 6,
        }
    }
}

#[cfg(test)]
mod tests {
    use kaikaku_model::{ContentRow, ScheduleCell};

    use super::*;

    #[test]
    fn phases_decide_and_empty_cells_mean_not_scheduled() {
        let year = FiscalYear::new(2021).expect("a year");
        let row = |text: &str| ContentRow {
            text: "内容".to_owned(),
            schedule: vec![ScheduleCell::read(year, text)],
            line: 1,
        };
        let item = |rows: Vec<ContentRow>| Item {
            contents: rows,
            ..Item::default()
        };
        let state = |rows| ItemState::of(&item(rows), year);
        assert_eq!(
            state(vec![row("①"), row("② (試行)")]),
            ItemState::Phases(vec![Phase::Trial])
        );
        assert_eq!(
            state(vec![row("① (検討)"), row("② (実施)")]).label(),
            "検討・実施"
        );
        assert_eq!(state(vec![row("①～③")]), ItemState::Unphased);
        assert_eq!(state(vec![row(""), row("—")]), ItemState::NotScheduled);
        assert_eq!(state(vec![]).label(), "予定なし");
    }
}
