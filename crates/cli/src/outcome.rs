//! How a command went ([`Outcome`]), which `main` turns into the exit status.

/// How a command went, ordered from best to worst; maps to the exit status.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Outcome {
    /// Everything was done and every total holds: exit 0.
    Success,
    /// `check` found at least one difference: exit 1.
    Differs,
    /// At least one file could not be read or stored: exit 2.
    Unreadable,
}

impl Outcome {
    /// The exit status.
    pub fn code(self) -> u8 {
        match self {
            Outcome::Success => 0,
            Outcome::Differs => 1,
            Outcome::Unreadable => 2,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_worst_outcome_wins() {
        assert_eq!(Outcome::Success.max(Outcome::Differs), Outcome::Differs);
        assert_eq!(
            Outcome::Unreadable.max(Outcome::Differs),
            Outcome::Unreadable
        );
        let codes: Vec<u8> = [Outcome::Success, Outcome::Differs, Outcome::Unreadable]
            .map(Outcome::code)
            .to_vec();
        assert_eq!(codes, vec![0, 1, 2]);
    }
}
