//! Error-budget burn over sliding windows, and the multi-window burn alerts of the product spec
//! (section 4): 14.4x over 1 h and 5 min, 6x over 6 h and 30 min (page), 1x over 3 d and 6 h
//! (ticket), each only with enough probes in both windows.
//!
//! Probes are counted in three rings of slots: minutes for the windows up to an hour, 5-minute
//! slots for 6 hours, hours for 3 days. Each window keeps a running sum, so a probe costs O(1)
//! however long the windows are, and the whole tracker is a few hundred slots: small enough to
//! be saved with the engine after every probe round. A window's far edge moves a slot at a
//! time (the 3-day window holds 71 to 72 hours).

use super::record::{Millis, MINUTE};
use serde::{Deserialize, Serialize};

/// (slot width in minutes, slots held: a power of two above its longest window, so a slot's
/// place is a mask away).
const RINGS: [(i64, usize); 3] = [(1, 64), (5, 128), (60, 128)];
/// Each window: (ring, length in slots). 5 min, 30 min, 1 h, 6 h, 3 d.
const WINDOWS: [(usize, i64); 5] = [(0, 5), (0, 30), (0, 60), (1, 72), (2, 72)];
/// The windows of each ring, as a range of `WINDOWS`.
const RING_WINDOWS: [&[usize]; 3] = [&[0, 1, 2], &[3], &[4]];

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum BurnRule {
    /// 14.4x over 1 h and 5 min: two days of a 30-day budget in an hour.
    Fast,
    /// 6x over 6 h and 30 min.
    Medium,
    /// 1x over 3 d and 6 h: on course to spend the whole budget.
    Slow,
}

impl BurnRule {
    pub const ALL: [BurnRule; 3] = [BurnRule::Fast, BurnRule::Medium, BurnRule::Slow];

    /// As stored (`"fast"`…).
    pub fn as_str(self) -> &'static str {
        match self {
            BurnRule::Fast => "fast",
            BurnRule::Medium => "medium",
            BurnRule::Slow => "slow",
        }
    }

    /// (long window, short window) as indexes into `WINDOWS`, and the burn factor.
    fn spec(self) -> (usize, usize, f64) {
        match self {
            BurnRule::Fast => (2, 0, 14.4),
            BurnRule::Medium => (3, 1, 6.0),
            BurnRule::Slow => (4, 3, 1.0),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BurnChange {
    Fired(BurnRule),
    Resolved(BurnRule),
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BurnTracker {
    rings: [Ring; RINGS.len()],
    sums: [(u64, u64); WINDOWS.len()],
    firing: [bool; 3],
    #[serde(skip)]
    limits: Option<((u64, u32, Millis), [Limit; 3])>,
}

/// (good, bad) probes per slot, indexed by slot number modulo the ring's size.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
struct Ring {
    slots: Vec<(u32, u32)>,
    /// The newest slot number written.
    head: Option<i64>,
}

/// Burn rates are compared in parts per billion, in integers.
const PPB: u64 = 1_000_000_000;

/// When a rule's window counts as burning.
#[derive(Debug, Clone, Copy, PartialEq)]
struct Limit {
    /// Burn factor × error budget, in parts per billion of the window's probes.
    rate_ppb: u64,
    short_samples: u64,
    long_samples: u64,
}

impl Limit {
    /// Bad share above the rate, with enough probes: bad / total > rate, without dividing.
    /// Counts are capped at 2^32 (a window never holds anywhere near that many probes; a
    /// corrupt history that claimed so may get a wrong answer, never an overflow), so the
    /// products fit in 64 bits with plain multiplications: wasm has no overflow flag, and a
    /// checked multiplication there costs a 128-bit one.
    #[inline]
    fn over(&self, (good, bad): (u64, u64), samples: u64) -> bool {
        const CAP: u64 = 1 << 32;
        let total = good.saturating_add(bad).min(CAP);
        let bad = bad.min(CAP);
        bad > 0 && total >= samples && bad * PPB > self.rate_ppb.min(PPB) * total
    }
}

impl Default for BurnTracker {
    fn default() -> Self {
        BurnTracker {
            rings: RINGS.map(|(_, size)| Ring {
                slots: vec![(0, 0); size],
                head: None,
            }),
            sums: [(0, 0); WINDOWS.len()],
            firing: [false; 3],
            limits: None,
        }
    }
}

impl BurnTracker {
    /// Whether every ring has its size: a stored tracker damaged outside this code must not
    /// reach the slot arithmetic, which indexes rings by their size.
    pub fn is_intact(&self) -> bool {
        self.rings
            .iter()
            .zip(RINGS)
            .all(|(ring, (_, size))| ring.slots.len() == size)
    }

    /// Counts one probe at `at` (`bad`: it costs SLO budget) and returns alerts that changed.
    /// A window takes part only with `min_samples` probes and, for the long window of a rule,
    /// a twelfth of the probes `cadence` would give it: three days of burn are not judged on
    /// five minutes of data.
    pub fn record(
        &mut self,
        at: Millis,
        bad: bool,
        budget: f64,
        min_samples: u32,
        cadence: Millis,
    ) -> Vec<BurnChange> {
        let minute = at.div_euclid(MINUTE);
        self.count::<0>(minute, bad);
        self.count::<1>(minute, bad);
        self.count::<2>(minute, bad);
        self.evaluate(budget, min_samples, cadence)
    }

    fn evaluate(&mut self, budget: f64, min_samples: u32, cadence: Millis) -> Vec<BurnChange> {
        let mut changes = Vec::new();
        let limits = self.limits(budget, min_samples, cadence);
        for (index, rule) in BurnRule::ALL.into_iter().enumerate() {
            let (long, short, _) = rule.spec();
            let limit = &limits[index];
            let burning = limit.over(self.sums[short], limit.short_samples)
                && limit.over(self.sums[long], limit.long_samples);
            if burning != self.firing[index] {
                self.firing[index] = burning;
                changes.push(if burning {
                    BurnChange::Fired(rule)
                } else {
                    BurnChange::Resolved(rule)
                });
            }
        }
        changes
    }

    /// Each rule's thresholds, computed once per configuration: this runs for every probe.
    fn limits(&mut self, budget: f64, min_samples: u32, cadence: Millis) -> [Limit; 3] {
        let key = (budget.to_bits(), min_samples, cadence);
        match self.limits {
            Some((cached, limits)) if cached == key => limits,
            _ => {
                // How many probes a window holds at the cadence.
                let holds = |window: usize| {
                    let (ring, length) = WINDOWS[window];
                    (RINGS[ring].0 * length * MINUTE / cadence.max(1)) as u64
                };
                let limits = BurnRule::ALL.map(|rule| {
                    let (long, short, factor) = rule.spec();
                    Limit {
                        rate_ppb: (factor * budget * PPB as f64).round() as u64,
                        // A short window asks no more probes than it can hold: at the
                        // runner's 5 minutes the 5-minute window holds one.
                        short_samples: u64::from(min_samples).min(holds(short).max(1)),
                        long_samples: u64::from(min_samples).max(holds(long) / 12),
                    }
                });
                self.limits = Some((key, limits));
                limits
            }
        }
    }

    /// Counts a probe in ring `R` and in its windows. `R` is a constant so that the slot
    /// arithmetic compiles to shifts and masks: this runs three times per probe.
    #[inline]
    fn count<const R: usize>(&mut self, minute: i64, bad: bool) {
        let (width, size) = RINGS[R];
        let slot = minute.div_euclid(width);
        match self.rings[R].head {
            Some(head) if slot <= head => {}
            _ => self.advance(R, slot),
        }
        let ring = &mut self.rings[R];
        let age = ring.head.unwrap_or(slot) - slot;
        if age >= size as i64 {
            return; // older than anything the ring holds
        }
        let counts = &mut ring.slots[(slot & (size as i64 - 1)) as usize];
        if bad {
            counts.1 += 1;
        } else {
            counts.0 += 1;
        }
        for &window in RING_WINDOWS[R] {
            if age < WINDOWS[window].1 {
                let sum = &mut self.sums[window];
                if bad {
                    sum.1 += 1;
                } else {
                    sum.0 += 1;
                }
            }
        }
    }

    /// Moves ring `index` on to `slot`: slots that leave a window leave its sum.
    fn advance(&mut self, index: usize, slot: i64) {
        let size = RINGS[index].1 as i64;
        let ring = &mut self.rings[index];
        let Some(head) = ring.head else {
            ring.head = Some(slot);
            return;
        };
        if slot - head >= size {
            // Everything in the ring is older than its windows.
            ring.slots.iter_mut().for_each(|counts| *counts = (0, 0));
            for &window in RING_WINDOWS[index] {
                self.sums[window] = (0, 0);
            }
        } else {
            for s in head + 1..=slot {
                for &window in RING_WINDOWS[index] {
                    let leaving = ring.slots[((s - WINDOWS[window].1) & (size - 1)) as usize];
                    let sum = &mut self.sums[window];
                    sum.0 -= u64::from(leaving.0);
                    sum.1 -= u64::from(leaving.1);
                }
                ring.slots[(s & (size - 1)) as usize] = (0, 0);
            }
        }
        ring.head = Some(slot);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::monitor::record::HOUR;

    const BUDGET: f64 = 0.005;

    #[test]
    fn a_tracker_with_a_ring_of_the_wrong_size_is_not_intact() {
        let mut tracker = BurnTracker::default();
        assert!(tracker.is_intact());
        tracker.rings[1].slots.pop();
        assert!(!tracker.is_intact());
    }

    #[test]
    fn a_burst_of_failures_fires_the_fast_rule_and_recovery_resolves_it() {
        let mut tracker = BurnTracker::default();
        let mut fired = Vec::new();
        // An hour of good probes, then 10 minutes of failures.
        for minute in 0..60 {
            fired.extend(tracker.record(minute * MINUTE, false, BUDGET, 5, MINUTE));
        }
        assert!(fired.is_empty());
        for minute in 60..70 {
            fired.extend(tracker.record(minute * MINUTE, true, BUDGET, 5, MINUTE));
        }
        assert!(
            fired.contains(&BurnChange::Fired(BurnRule::Fast)),
            "{fired:?}"
        );
        // Enough good minutes push the short window below the factor.
        let mut later = Vec::new();
        for minute in 70..80 {
            later.extend(tracker.record(minute * MINUTE, false, BUDGET, 5, MINUTE));
        }
        assert!(
            later.contains(&BurnChange::Resolved(BurnRule::Fast)),
            "{later:?}"
        );
    }

    #[test]
    fn the_slow_rule_needs_hours_of_data() {
        let mut tracker = BurnTracker::default();
        let mut fired = Vec::new();
        for minute in 0..30 {
            fired.extend(tracker.record(minute * MINUTE, true, BUDGET, 5, MINUTE));
        }
        assert!(fired.contains(&BurnChange::Fired(BurnRule::Fast)));
        assert!(
            !fired.contains(&BurnChange::Fired(BurnRule::Slow)),
            "{fired:?}"
        );
    }

    #[test]
    fn too_few_samples_never_fire() {
        let mut tracker = BurnTracker::default();
        let mut fired = Vec::new();
        // Every failure counts, but only four probes in the short window.
        for minute in 0..4 {
            fired.extend(tracker.record(minute * MINUTE, true, BUDGET, 5, MINUTE));
        }
        assert!(fired.is_empty(), "{fired:?}");
        fired.extend(tracker.record(4 * MINUTE, true, BUDGET, 5, MINUTE));
        assert!(fired.contains(&BurnChange::Fired(BurnRule::Fast)));
    }

    #[test]
    fn five_minutes_of_failure_fire_the_fast_rule_at_the_runners_cadence_as_at_a_minutes() {
        // An hour of passing probes, then failures until the fast rule fires: the minutes of
        // failure it takes, at a cadence of `every`.
        let minutes_to_fire = |every: Millis| {
            let mut tracker = BurnTracker::default();
            let mut at = 0;
            while at < HOUR {
                assert!(tracker.record(at, false, BUDGET, 5, every).is_empty());
                at += every;
            }
            let start = at;
            while !tracker
                .record(at, true, BUDGET, 5, every)
                .contains(&BurnChange::Fired(BurnRule::Fast))
            {
                at += every;
                assert!(at < start + HOUR, "never fired at {every} ms");
            }
            (at + every - start) / MINUTE
        };
        assert_eq!(minutes_to_fire(MINUTE), 5);
        // The runner's rounds: the 5-minute window holds one, and one is enough.
        assert_eq!(minutes_to_fire(5 * MINUTE), 5);
    }

    #[test]
    fn windows_forget_what_slid_out() {
        let mut tracker = BurnTracker::default();
        for minute in 0..10 {
            tracker.record(minute * MINUTE, true, BUDGET, 1, MINUTE);
        }
        tracker.record(
            3 * 24 * 60 * MINUTE + 100 * MINUTE,
            false,
            BUDGET,
            1,
            MINUTE,
        );
        assert_eq!(tracker.sums[4], (1, 0));
        // A gap within the ring: the 5-minute window holds only recent minutes.
        let mut t = BurnTracker::default();
        for minute in 0..10 {
            t.record(minute * MINUTE, true, BUDGET, 1, MINUTE);
        }
        t.record(12 * MINUTE, false, BUDGET, 1, MINUTE);
        assert_eq!(t.sums[0], (1, 2)); // minutes 8..=12 hold two failures and one pass
        assert_eq!(t.sums[4], (1, 10));
    }

    #[test]
    fn long_windows_move_a_coarse_slot_at_a_time() {
        let hour = 60 * MINUTE;
        let mut t = BurnTracker::default();
        t.record(10 * MINUTE, true, BUDGET, 1, MINUTE);
        // 6 h later, in the 5-minute slot 72 slots on: out of the 6 h window, in the 3 d one.
        t.record(6 * hour + 10 * MINUTE, false, BUDGET, 1, MINUTE);
        assert_eq!(t.sums[3], (1, 0));
        assert_eq!(t.sums[4], (1, 1));
        // 71 h later the failure's hour is still among the 72 hourly slots; at 72 h it is not.
        t.record(71 * hour + 50 * MINUTE, false, BUDGET, 1, MINUTE);
        assert_eq!(t.sums[4], (2, 1));
        t.record(72 * hour, false, BUDGET, 1, MINUTE);
        assert_eq!(t.sums[4], (3, 0));
        // The tracker is small enough to save after every round.
        assert!(serde_json::to_string(&t).unwrap().len() < 4_000);
    }
}
