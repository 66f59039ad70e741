//! Hysteresis: one failed probe never changes the state (product spec, section 2).

use super::record::Health;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum State {
    /// No probe with data yet.
    Unknown,
    Up,
    /// Failing, not yet confirmed: `failures` in a row so far.
    Confirming {
        failures: u32,
    },
    Down,
    /// Passing again, not yet confirmed: `passes` in a row so far.
    Recovering {
        passes: u32,
    },
}

impl State {
    pub fn as_str(self) -> &'static str {
        match self {
            State::Unknown => "unknown",
            State::Up => "up",
            State::Confirming { .. } => "confirming",
            State::Down => "down",
            State::Recovering { .. } => "recovering",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Transition {
    None,
    WentDown,
    Recovered,
}

/// The next state after a probe of `health`; `failures_to_down` and `passes_to_up` are >= 1.
pub fn step(
    state: State,
    health: Health,
    failures_to_down: u32,
    passes_to_up: u32,
) -> (State, Transition) {
    let failing = |failures: u32| {
        if failures >= failures_to_down {
            (State::Down, Transition::WentDown)
        } else {
            (State::Confirming { failures }, Transition::None)
        }
    };
    let passing = |passes: u32| {
        if passes >= passes_to_up {
            (State::Up, Transition::Recovered)
        } else {
            (State::Recovering { passes }, Transition::None)
        }
    };
    match (state, health) {
        (state, Health::NoData) => (state, Transition::None),
        (State::Unknown | State::Up, Health::Up) => (State::Up, Transition::None),
        (State::Confirming { .. }, Health::Up) => (State::Up, Transition::None),
        (State::Unknown | State::Up, Health::Down) => failing(1),
        (State::Confirming { failures }, Health::Down) => failing(failures + 1),
        (State::Down, Health::Down) | (State::Recovering { .. }, Health::Down) => {
            (State::Down, Transition::None)
        }
        (State::Down, Health::Up) => passing(1),
        (State::Recovering { passes }, Health::Up) => passing(passes + 1),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use Health::{Down as D, NoData as N, Up as U};

    fn run(probes: &[Health]) -> Vec<(&'static str, Transition)> {
        let mut state = State::Unknown;
        probes
            .iter()
            .map(|h| {
                let (next, t) = step(state, *h, 3, 2);
                state = next;
                (next.as_str(), t)
            })
            .collect()
    }

    #[test]
    fn three_failures_go_down_not_two() {
        let seen = run(&[U, D, D, D]);
        assert_eq!(seen[2], ("confirming", Transition::None));
        assert_eq!(seen[3], ("down", Transition::WentDown));
    }

    #[test]
    fn a_pass_in_between_resets_the_count() {
        let seen = run(&[U, D, D, U, D, D]);
        assert!(seen.iter().all(|(_, t)| *t == Transition::None));
        assert_eq!(seen[5].0, "confirming");
    }

    #[test]
    fn two_passes_recover_and_a_failure_in_between_stays_down() {
        let seen = run(&[D, D, D, U, D, U, U]);
        assert_eq!(seen[3].0, "recovering");
        assert_eq!(seen[4], ("down", Transition::None));
        assert_eq!(seen[6], ("up", Transition::Recovered));
    }

    #[test]
    fn no_data_changes_nothing() {
        let seen = run(&[N, U, D, N, D, N, D]);
        assert_eq!(seen[0].0, "unknown");
        assert_eq!(seen[6], ("down", Transition::WentDown));
    }
}
