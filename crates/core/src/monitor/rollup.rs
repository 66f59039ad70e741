//! Time-weighted tallies per hour and per UTC day, kept incrementally, so uptimes, coverage
//! and latency percentiles of any window come from aggregates, never from raw probes.

use super::record::{Millis, DAY, HOUR};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet};

/// Upper bounds (ms) of the latency buckets: 40 % apart, from 1 ms to about 34 s; the last
/// bucket takes everything above. Percentiles read from it are the bucket's upper bound, so
/// they are at most 40 % high. 32 buckets: a fixed array, no allocation per tally.
const BUCKET_GROWTH: f64 = 1.4;
pub const BUCKETS: usize = 32;

/// `ceil(1.4^i)` for every bucket, computed at compile time.
const BOUNDS: [u32; BUCKETS] = {
    let mut bounds = [0; BUCKETS];
    let mut power = 1.0;
    let mut i = 0;
    while i < BUCKETS {
        let floor = power as u32;
        bounds[i] = if (floor as f64) < power {
            floor + 1
        } else {
            floor
        };
        power *= BUCKET_GROWTH;
        i += 1;
    }
    bounds
};

fn bucket_bound(index: usize) -> u32 {
    BOUNDS[index]
}

/// How many of the first 31 bounds lie below the latency: a binary search in five fixed
/// steps (16 + 8 + 4 + 2 + 1 = 31), each a compare and an add, no unpredictable branch. This
/// runs for every passing probe; the page's wasm is built for size, where counting all 31
/// bounds in a loop cost a fifth of the engine's time.
fn bucket_of(latency_ms: u32) -> usize {
    let mut below = 0;
    for step in [16, 8, 4, 2, 1] {
        below += step * usize::from(BOUNDS[below + step - 1] < latency_ms);
    }
    below
}

/// A mergeable latency histogram of passing probes. Stored as `[bucket, count]` pairs of the
/// buckets in use: a few instead of 32 numbers.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(from = "Vec<(u8, u32)>", into = "Vec<(u8, u32)>")]
pub struct Latencies {
    counts: [u32; BUCKETS],
}

impl From<Vec<(u8, u32)>> for Latencies {
    fn from(pairs: Vec<(u8, u32)>) -> Latencies {
        let mut latencies = Latencies::default();
        for (bucket, count) in pairs {
            let slot = &mut latencies.counts[usize::from(bucket).min(BUCKETS - 1)];
            *slot = slot.saturating_add(count);
        }
        latencies
    }
}

impl From<Latencies> for Vec<(u8, u32)> {
    fn from(latencies: Latencies) -> Vec<(u8, u32)> {
        (0..BUCKETS as u8)
            .zip(latencies.counts)
            .filter(|&(_, count)| count > 0)
            .collect()
    }
}

impl Latencies {
    pub fn record(&mut self, latency_ms: u32) {
        self.record_bucket(bucket_of(latency_ms));
    }

    /// Counts a latency whose bucket (`Latencies::bucket_of`) is already known.
    pub fn record_bucket(&mut self, bucket: usize) {
        self.counts[bucket.min(BUCKETS - 1)] += 1;
    }

    pub fn bucket_of(latency_ms: u32) -> usize {
        bucket_of(latency_ms)
    }

    pub fn merge(&mut self, other: &Latencies) {
        for (mine, theirs) in self.counts.iter_mut().zip(&other.counts) {
            *mine += theirs;
        }
    }

    pub fn count(&self) -> u64 {
        self.counts.iter().map(|&c| u64::from(c)).sum()
    }

    /// The `q`-quantile (0..=1), as the upper bound of the bucket that holds it.
    pub fn quantile(&self, q: f64) -> Option<u32> {
        let total = self.count();
        if total == 0 {
            return None;
        }
        let rank = ((q * total as f64).ceil() as u64).clamp(1, total);
        let mut seen = 0;
        for (index, &count) in self.counts.iter().enumerate() {
            seen += u64::from(count);
            if seen >= rank {
                return Some(bucket_bound(index));
            }
        }
        None
    }
}

/// Time and counts of one bucket of time. Stored as an array, `[up_ms, down_ms, slo_bad_ms,
/// probes, failures, cold_starts, incidents, latency]`: a year of hours per server is read on
/// every page start.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(from = "TallyRow", into = "TallyRow")]
pub struct Tally {
    /// Time covered by probes that found the server up (ok, degraded, auth_required).
    pub up_ms: i64,
    /// Time covered by failed probes: wall-clock downtime.
    pub down_ms: i64,
    /// The part of `down_ms` that counts against the SLO (not cold starts, not maintenance).
    pub slo_bad_ms: i64,
    pub probes: u32,
    pub failures: u32,
    pub cold_starts: u32,
    pub incidents: u32,
    pub latency: Latencies,
}

type TallyRow = (i64, i64, i64, u32, u32, u32, u32, Latencies);

impl From<TallyRow> for Tally {
    fn from(row: TallyRow) -> Tally {
        let (up_ms, down_ms, slo_bad_ms, probes, failures, cold_starts, incidents, latency) = row;
        Tally {
            up_ms,
            down_ms,
            slo_bad_ms,
            probes,
            failures,
            cold_starts,
            incidents,
            latency,
        }
    }
}

impl From<Tally> for TallyRow {
    fn from(t: Tally) -> TallyRow {
        (
            t.up_ms,
            t.down_ms,
            t.slo_bad_ms,
            t.probes,
            t.failures,
            t.cold_starts,
            t.incidents,
            t.latency,
        )
    }
}

impl Tally {
    pub fn data_ms(&self) -> i64 {
        self.up_ms + self.down_ms
    }

    pub fn merge(&mut self, other: &Tally) {
        self.up_ms += other.up_ms;
        self.down_ms += other.down_ms;
        self.slo_bad_ms += other.slo_bad_ms;
        self.probes += other.probes;
        self.failures += other.failures;
        self.cold_starts += other.cold_starts;
        self.incidents += other.incidents;
        self.latency.merge(&other.latency);
    }
}

/// What a window (or a day) shows: both uptimes side by side, and how much of it had data.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Uptime {
    /// Every failed probe counts. `None` when nothing was measured.
    pub wall_clock_uptime: Option<f64>,
    /// Cold starts and maintenance excluded; consecutive failures always count.
    pub slo_uptime: Option<f64>,
    /// Share of the window with data (time nobody probed is never counted as up).
    pub coverage: f64,
    pub p50_ms: Option<u32>,
    pub p95_ms: Option<u32>,
    pub probes: u32,
    pub failures: u32,
    pub cold_starts: u32,
    pub incidents: u32,
}

impl Uptime {
    pub fn of(tally: &Tally, span_ms: i64) -> Uptime {
        let data = tally.data_ms();
        let ratio = |bad: i64| (data > 0).then(|| (1.0 - bad as f64 / data as f64).clamp(0.0, 1.0));
        Uptime {
            wall_clock_uptime: ratio(tally.down_ms),
            slo_uptime: ratio(tally.slo_bad_ms),
            coverage: if span_ms > 0 {
                (data as f64 / span_ms as f64).clamp(0.0, 1.0)
            } else {
                0.0
            },
            p50_ms: tally.latency.quantile(0.50),
            p95_ms: tally.latency.quantile(0.95),
            probes: tally.probes,
            failures: tally.failures,
            cold_starts: tally.cold_starts,
            incidents: tally.incidents,
        }
    }
}

/// Hourly and daily tallies. Only the hour being written is held apart: adding to it is O(1),
/// and it enters both maps once, when time moves past it, so a day is always the sum of its
/// hours and a window can be read from whole days plus the hours at its edges.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Rollups {
    hours: BTreeMap<i64, Tally>,
    days: BTreeMap<i64, Tally>,
    /// The hour being written and what was added to it since it became current.
    current: Option<(i64, Tally)>,
    /// Days written to since `saved`: what a store must save again.
    changed: BTreeSet<i64>,
    /// Days before this one are not held whole (forgotten, or never loaded from a store):
    /// writes to them stay out of `changed_days`.
    horizon: Option<i64>,
}

/// One UTC day's hourly tallies: how rollups are stored, one record per server and day.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DayRecord {
    /// Days since 1970-01-01 (UTC).
    pub day: i64,
    /// `(hour of the day 0..24, tally)` for the hours that have one, in order.
    pub hours: Vec<(u8, Tally)>,
}

/// Index of the bucket of `span` that holds `at` (floor division, also before 1970).
pub fn bucket_index(at: Millis, span: Millis) -> i64 {
    at.div_euclid(span)
}

const HOURS_PER_DAY: i64 = DAY / HOUR;

impl Rollups {
    /// Adds the time `[start, end)` to the hours it spans, with `f` filling each piece.
    pub fn add_time(&mut self, start: Millis, end: Millis, mut f: impl FnMut(&mut Tally, i64)) {
        if let Some(tally) = self.current_holding(start, end) {
            // Nearly always: a probe's interval lies in the hour being written.
            f(tally, end - start);
            return;
        }
        let mut from = start;
        while from < end {
            let hour = bucket_index(from, HOUR);
            let to = end.min((hour + 1) * HOUR);
            self.write(hour, |tally| f(tally, to - from));
            from = to;
        }
    }

    /// Adds counts (probes, failures, latencies…) at the instant `at`.
    pub fn add_at(&mut self, at: Millis, mut f: impl FnMut(&mut Tally)) {
        match self.current_holding(at, at + 1) {
            Some(tally) => f(tally),
            None => self.write(bucket_index(at, HOUR), f),
        }
    }

    /// The current hour's tally if `[start, end)` lies within it: compares, no division (the
    /// page's wasm build is optimised for size and keeps divisions as divisions).
    #[inline]
    fn current_holding(&mut self, start: Millis, end: Millis) -> Option<&mut Tally> {
        match &mut self.current {
            Some((hour, tally)) if start >= *hour * HOUR && end <= (*hour + 1) * HOUR => {
                Some(tally)
            }
            _ => None,
        }
    }

    #[inline]
    fn write(&mut self, hour: i64, mut f: impl FnMut(&mut Tally)) {
        match &mut self.current {
            Some((held, tally)) if *held == hour => f(tally),
            Some((held, _)) if *held > hour => {
                // A late piece (an incident's first failure, an hour before): straight into
                // the maps, which already hold everything before the current hour.
                let day = hour.div_euclid(HOURS_PER_DAY);
                self.changed.insert(day);
                f(self.hours.entry(hour).or_default());
                f(self.days.entry(day).or_default());
            }
            _ => {
                self.close_current();
                let mut tally = Tally::default();
                f(&mut tally);
                self.current = Some((hour, tally));
            }
        }
    }

    /// The days written to since `saved`, oldest first; not days before the horizon. The day
    /// of the hour being written is always among them (its writes mark nothing).
    pub fn changed_days(&self) -> Vec<i64> {
        let horizon = self.horizon.unwrap_or(i64::MIN);
        let current = self
            .current
            .as_ref()
            .map(|(hour, _)| hour.div_euclid(HOURS_PER_DAY));
        let days: BTreeSet<i64> = self.changed.iter().copied().chain(current).collect();
        days.into_iter().filter(|&day| day >= horizon).collect()
    }

    /// A store now holds every changed day.
    pub fn saved(&mut self) {
        self.changed = BTreeSet::new();
    }

    /// The stored form of one day: each hour's tally, the hour being written included.
    pub fn day_record(&self, day: i64) -> DayRecord {
        let first = day * HOURS_PER_DAY;
        let mut hours: BTreeMap<i64, Tally> = self
            .hours
            .range(first..first + HOURS_PER_DAY)
            .map(|(hour, tally)| (*hour, tally.clone()))
            .collect();
        if let Some((hour, tally)) = &self.current {
            if (first..first + HOURS_PER_DAY).contains(hour) {
                hours.entry(*hour).or_default().merge(tally);
            }
        }
        DayRecord {
            day,
            hours: hours
                .into_iter()
                .map(|(hour, tally)| ((hour - first) as u8, tally))
                .collect(),
        }
    }

    /// Rollups as stored: the days' records, in any order. A day given twice keeps the last.
    pub fn from_records(records: impl IntoIterator<Item = DayRecord>) -> Rollups {
        let mut rollups = Rollups::default();
        for record in records {
            rollups.insert(record);
        }
        rollups
    }

    /// Puts a stored day in place of whatever this day held.
    pub fn insert(&mut self, record: DayRecord) {
        self.close_current();
        let first = record.day * HOURS_PER_DAY;
        self.hours
            .retain(|hour, _| !(first..first + HOURS_PER_DAY).contains(hour));
        for (hour, tally) in record.hours {
            if usize::from(hour) < HOURS_PER_DAY as usize {
                // A damaged record naming an hour twice keeps the last: never counted twice.
                self.hours.insert(first + i64::from(hour), tally);
            }
        }
        let mut day = Tally::default();
        for (_, tally) in self.hours.range(first..first + HOURS_PER_DAY) {
            day.merge(tally);
        }
        self.days.insert(record.day, day);
    }

    /// Forgets the days before `day` (kept in the store, not needed in memory); from now on
    /// they are past the horizon.
    pub fn forget_before(&mut self, day: i64) {
        self.days = self.days.split_off(&day);
        self.hours = self.hours.split_off(&day.saturating_mul(HOURS_PER_DAY));
        self.changed = self.changed.split_off(&day);
        self.horizon = Some(self.horizon.map_or(day, |horizon| horizon.max(day)));
    }

    #[cold]
    fn close_current(&mut self) {
        if let Some((held, tally)) = self.current.take() {
            let day = held.div_euclid(HOURS_PER_DAY);
            // Writes to the current hour take the fast path, which marks nothing.
            self.changed.insert(day);
            self.days.entry(day).or_default().merge(&tally);
            self.hours.entry(held).or_default().merge(&tally);
        }
    }

    /// The sum over `[start, end)`, in whole hours (edges rounded out): whole days from the
    /// daily tallies, the hours at either edge from the hourly ones.
    pub fn sum_hours(&self, start: Millis, end: Millis) -> Tally {
        let (first, last) = (bucket_index(start, HOUR), bucket_index(end - 1, HOUR));
        let mut total = Tally::default();
        let first_day = (first + HOURS_PER_DAY - 1).div_euclid(HOURS_PER_DAY);
        let end_day = (last + 1).div_euclid(HOURS_PER_DAY);
        if first_day < end_day {
            Self::merge_range(
                &mut total,
                &self.hours,
                first,
                first_day * HOURS_PER_DAY - 1,
            );
            Self::merge_range(&mut total, &self.days, first_day, end_day - 1);
            Self::merge_range(&mut total, &self.hours, end_day * HOURS_PER_DAY, last);
        } else {
            Self::merge_range(&mut total, &self.hours, first, last);
        }
        if let Some((hour, tally)) = &self.current {
            if (first..=last).contains(hour) {
                total.merge(tally);
            }
        }
        total
    }

    /// The tallies of the UTC days `first..=last`, in one pass over the map.
    pub fn day_tallies(&self, first: i64, last: i64) -> Vec<Tally> {
        let mut out = vec![Tally::default(); (last - first + 1).max(0) as usize];
        for (day, tally) in self.days.range(first..=last) {
            out[(day - first) as usize].merge(tally);
        }
        if let Some((hour, tally)) = &self.current {
            let day = hour.div_euclid(HOURS_PER_DAY);
            if (first..=last).contains(&day) {
                out[(day - first) as usize].merge(tally);
            }
        }
        out
    }

    fn merge_range(total: &mut Tally, map: &BTreeMap<i64, Tally>, first: i64, last: i64) {
        if first <= last {
            for (_, tally) in map.range(first..=last) {
                total.merge(tally);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bucket_bounds_grow_by_forty_percent_from_one_millisecond() {
        for (i, &bound) in BOUNDS.iter().enumerate() {
            assert_eq!(
                bound,
                BUCKET_GROWTH.powi(i as i32).ceil() as u32,
                "bucket {i}"
            );
        }
        assert_eq!((bucket_of(0), bucket_of(1), bucket_of(2)), (0, 0, 1));
        for ms in (0..40_000).chain([u32::MAX - 1, u32::MAX]) {
            let counted = BOUNDS[..BUCKETS - 1].iter().filter(|&&b| b < ms).count();
            assert_eq!(bucket_of(ms), counted, "{ms}");
        }
        assert_eq!(bucket_of(u32::MAX), BUCKETS - 1);
        for ms in [3, 100, 101, 5_000, 34_000, 40_000] {
            let bucket = bucket_of(ms);
            assert!(ms <= BOUNDS[bucket] || bucket == BUCKETS - 1, "{ms}");
            assert!(bucket == 0 || ms > BOUNDS[bucket - 1], "{ms}");
        }
    }

    #[test]
    fn latency_quantiles_come_from_bucket_bounds() {
        let mut l = Latencies::default();
        for ms in [100, 100, 100, 100, 100, 100, 100, 100, 100, 5_000] {
            l.record(ms);
        }
        let p50 = l.quantile(0.5).unwrap();
        assert!((100..=136).contains(&p50), "{p50}");
        let p95 = l.quantile(0.95).unwrap();
        assert!((5_000..=6_800).contains(&p95), "{p95}");
        assert_eq!(Latencies::default().quantile(0.5), None);
        let mut huge = Latencies::default();
        huge.record(u32::MAX);
        assert!(huge.quantile(0.5).unwrap() > 30_000);
    }

    #[test]
    fn time_is_split_across_hours_and_days() {
        let mut r = Rollups::default();
        let start = DAY - 30 * 60_000; // 23:30 on day 0
        r.add_time(start, start + HOUR, |t, ms| t.up_ms += ms);
        assert_eq!(r.sum_hours(0, 2 * DAY).up_ms, HOUR);
        let days = r.day_tallies(0, 1);
        assert_eq!(days[0].up_ms, 30 * 60_000);
        assert_eq!(days[1].up_ms, 30 * 60_000);
        assert_eq!(r.sum_hours(DAY, 2 * DAY).up_ms, 30 * 60_000);
    }

    #[test]
    fn window_sums_agree_whether_read_by_hour_or_by_day() {
        let mut r = Rollups::default();
        for hour in 0..24 * 10 {
            r.add_time(hour * HOUR, hour * HOUR + 10 * 60_000, |t, ms| {
                t.up_ms += ms
            });
        }
        // A late piece, written after time moved on, lands in its hour and its day.
        r.add_at(2 * DAY + 5 * HOUR, |t| t.incidents += 1);
        assert_eq!(r.sum_hours(0, 10 * DAY).incidents, 1);
        assert_eq!(
            r.sum_hours(2 * DAY + 5 * HOUR, 2 * DAY + 6 * HOUR)
                .incidents,
            1
        );
        assert_eq!(r.day_tallies(2, 2)[0].incidents, 1);
        for (start, end) in [
            (0, 10 * DAY),
            (5 * HOUR, 3 * DAY + 7 * HOUR),
            (DAY, 2 * DAY),
            (3 * HOUR, 9 * HOUR),
        ] {
            let hours = (end - start) / HOUR;
            assert_eq!(
                r.sum_hours(start, end).up_ms,
                hours * 10 * 60_000,
                "{start}..{end}"
            );
        }
    }

    #[test]
    fn days_before_the_horizon_are_never_handed_to_the_store() {
        // Day 5 is stored whole; memory holds days 10 on. A late piece for day 5 (a probe
        // settled after the page was closed for months) must not replace the stored day.
        let mut r = Rollups::default();
        r.add_at(10 * DAY, |t| t.probes += 1);
        r.forget_before(10);
        r.add_time(5 * DAY, 5 * DAY + 60_000, |t, ms| t.up_ms += ms);
        r.add_at(10 * DAY + HOUR, |t| t.probes += 1);
        assert_eq!(r.changed_days(), [10]);
        r.saved();
        assert_eq!(
            r.changed_days(),
            [10],
            "the current hour's day is always written"
        );
        // A damaged record naming an hour twice counts it once.
        let mut r = Rollups::default();
        let tally = Tally {
            up_ms: 60_000,
            ..Tally::default()
        };
        r.insert(DayRecord {
            day: 3,
            hours: vec![(1, tally.clone()), (1, tally)],
        });
        assert_eq!(r.day_tallies(3, 3)[0].up_ms, 60_000);
    }

    #[test]
    fn uptimes_are_time_weighted_and_no_data_is_not_up() {
        let tally = Tally {
            up_ms: 3 * HOUR,
            down_ms: HOUR,
            slo_bad_ms: 0,
            ..Tally::default()
        };
        let u = Uptime::of(&tally, DAY);
        assert_eq!(u.wall_clock_uptime, Some(0.75));
        assert_eq!(u.slo_uptime, Some(1.0));
        assert!((u.coverage - 4.0 / 24.0).abs() < 1e-9);
        assert_eq!(Uptime::of(&Tally::default(), DAY).wall_clock_uptime, None);
    }
}
