//! The weekly on-call rotation: who is primary and secondary now and next, and when the shift
//! changes. Time zones are the caller's: it passes the zone's UTC offset at an instant
//! (`Offset`), which the browser knows from `Intl` and the command line from the tz database.
//! The core carries no zone tables.

use crate::monitor::record::{Millis, DAY, MINUTE};
use serde::{Deserialize, Serialize};

/// The UTC offset, in minutes, of the rotation's zone at an instant (e.g. 60 for CET).
pub type Offset<'a> = &'a dyn Fn(Millis) -> i32;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Person {
    pub name: String,
    /// Channel ids that reach this person, most direct first.
    pub notify: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Rotation {
    /// In order: the first is primary in the week of `first_day`, the next one after.
    pub people: Vec<Person>,
    /// Told at the third step of a P1 nobody acknowledged (spec section 6).
    pub manager: Option<Person>,
    /// The local date the first shift starts on, as days since 1970-01-01; shifts change
    /// every seven days from it.
    pub first_day: i64,
    /// Minutes after local midnight when the shift changes (540 for 09:00).
    pub handoff_minute: i64,
    /// The IANA zone name the offsets are of (`Europe/Berlin`), for people to read.
    pub time_zone: String,
}

/// One week's pair.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Shift<'a> {
    pub primary: &'a Person,
    /// The next in the rotation: told when the primary does not answer. `None` when the
    /// rotation has one person.
    pub secondary: Option<&'a Person>,
    /// When the shift began and ends (UTC milliseconds).
    pub start: Millis,
    pub end: Millis,
}

const WEEK: i64 = 7;

impl Rotation {
    /// The shift at `at`; none before the first shift or without people.
    pub fn shift_at(&self, at: Millis, offset: Offset) -> Option<Shift<'_>> {
        if self.people.is_empty() {
            return None;
        }
        let local = at + i64::from(offset(at)) * MINUTE;
        let since_first = local - (self.first_day * DAY + self.handoff_minute * MINUTE);
        if since_first < 0 {
            return None;
        }
        let week = since_first.div_euclid(WEEK * DAY);
        let start_local = self.first_day * DAY + self.handoff_minute * MINUTE + week * WEEK * DAY;
        let n = self.people.len() as i64;
        let person = |k: i64| &self.people[(k.rem_euclid(n)) as usize];
        Some(Shift {
            primary: person(week),
            secondary: (n > 1).then(|| person(week + 1)),
            start: to_utc(start_local, offset),
            end: to_utc(start_local + WEEK * DAY, offset),
        })
    }

    /// The shift now and the one after it.
    pub fn now_and_next(&self, now: Millis, offset: Offset) -> Option<(Shift<'_>, Shift<'_>)> {
        let current = self.shift_at(now, offset)?;
        let next = self.shift_at(current.end, offset)?;
        Some((current, next))
    }
}

/// The UTC instant of a local wall-clock time: the offset is the one in force then (asked at
/// the local time read as UTC, then once more at the result, which settles it across a DST
/// change).
pub(super) fn to_utc(local: Millis, offset: Offset) -> Millis {
    let guess = local - i64::from(offset(local)) * MINUTE;
    local - i64::from(offset(guess)) * MINUTE
}

/// The minutes of a `GMT+01:00` / `GMT-03:30` / `GMT` offset, as `Intl.DateTimeFormat`'s
/// `longOffset` writes it; `None` for anything else.
pub fn gmt_offset(text: &str) -> Option<i32> {
    let rest = text.strip_prefix("GMT")?;
    if rest.is_empty() {
        return Some(0);
    }
    // One sign, then digits: Rust's integer parse would also take a second sign (`GMT++1`).
    let (sign, rest) = if let Some(rest) = rest.strip_prefix('+') {
        (1, rest)
    } else if let Some(rest) = rest.strip_prefix(['-', '\u{2212}']) {
        (-1, rest)
    } else {
        return None;
    };
    let (hours, minutes) = rest.split_once(':').unwrap_or((rest, "00"));
    let (hours, minutes) = (digits(hours, 1..=2)?, digits(minutes, 2..=2)?);
    ((0..=14).contains(&hours) && (0..60).contains(&minutes))
        .then_some(sign * (hours * 60 + minutes))
}

/// The number `text` writes in ASCII digits alone, as many as `count` allows; `None` for
/// anything else. Not `str::parse` alone, which also takes a sign (`+9`).
fn digits(text: &str, count: std::ops::RangeInclusive<usize>) -> Option<i32> {
    (count.contains(&text.len()) && text.bytes().all(|b| b.is_ascii_digit()))
        .then(|| text.parse().ok())
        .flatten()
}

/// Days since 1970-01-01 of a `YYYY-MM-DD` date; `None` if it is not one.
pub fn day_of(date: &str) -> Option<i64> {
    // The shape first: chrono's `%Y` also takes a sign and more digits, `%m` a single one.
    let shape = date.len() == 10
        && date.bytes().enumerate().all(|(i, b)| match i {
            4 | 7 => b == b'-',
            _ => b.is_ascii_digit(),
        });
    let date = chrono::NaiveDate::parse_from_str(date, "%Y-%m-%d")
        .ok()
        .filter(|_| shape)?;
    Some(
        date.signed_duration_since(chrono::DateTime::UNIX_EPOCH.date_naive())
            .num_days(),
    )
}

/// Minutes after midnight of `HH:MM`; `None` if it is not a time of day.
pub fn minute_of(time: &str) -> Option<i64> {
    // The shape first: chrono also takes `9:30` for `%H:%M`.
    let shape = time.len() == 5
        && time.bytes().enumerate().all(|(i, b)| match i {
            2 => b == b':',
            _ => b.is_ascii_digit(),
        });
    let time = chrono::NaiveTime::parse_from_str(time, "%H:%M")
        .ok()
        .filter(|_| shape)?;
    Some(i64::from(
        chrono::Timelike::num_seconds_from_midnight(&time) / 60,
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn person(name: &str) -> Person {
        Person {
            name: name.into(),
            notify: vec![format!("{name}-phone")],
        }
    }

    /// Ana, Ben, Cy from Monday 2026-11-02 09:00 in a zone at UTC+1.
    fn rotation() -> Rotation {
        Rotation {
            people: vec![person("ana"), person("ben"), person("cy")],
            manager: Some(person("dee")),
            first_day: day_of("2026-11-02").unwrap(),
            handoff_minute: minute_of("09:00").unwrap(),
            time_zone: "Europe/Paris".into(),
        }
    }

    fn utc(text: &str) -> Millis {
        chrono::DateTime::parse_from_rfc3339(text)
            .unwrap()
            .timestamp_millis()
    }

    #[test]
    fn the_shift_changes_weekly_at_the_local_handoff_time() {
        let cet = |_| 60;
        let rotation = rotation();
        // 08:59 local on the first Monday: nobody yet.
        assert!(rotation
            .shift_at(utc("2026-11-02T07:59:00Z"), &cet)
            .is_none());
        let first = rotation
            .shift_at(utc("2026-11-02T08:00:00Z"), &cet)
            .unwrap();
        assert_eq!(first.primary.name, "ana");
        assert_eq!(first.secondary.unwrap().name, "ben");
        assert_eq!(first.start, utc("2026-11-02T08:00:00Z"));
        assert_eq!(first.end, utc("2026-11-09T08:00:00Z"));
        let (now, next) = rotation
            .now_and_next(utc("2026-11-21T12:00:00Z"), &cet)
            .unwrap();
        assert_eq!(
            (now.primary.name.as_str(), next.primary.name.as_str()),
            ("cy", "ana")
        );
        assert_eq!(now.secondary.unwrap().name, "ana", "the rotation wraps");
    }

    #[test]
    fn a_summer_time_change_keeps_the_handoff_at_local_nine() {
        // UTC+2 until 2026-10-25 01:00 UTC, UTC+1 after (Europe/Paris).
        let paris = |at: Millis| {
            if at < utc("2026-10-25T01:00:00Z") {
                120
            } else {
                60
            }
        };
        let rotation = Rotation {
            first_day: day_of("2026-10-19").unwrap(),
            ..rotation()
        };
        let before = rotation
            .shift_at(utc("2026-10-20T12:00:00Z"), &paris)
            .unwrap();
        assert_eq!(before.start, utc("2026-10-19T07:00:00Z"), "09:00 at UTC+2");
        assert_eq!(before.end, utc("2026-10-26T08:00:00Z"), "09:00 at UTC+1");
        let after = rotation.shift_at(before.end, &paris).unwrap();
        assert_eq!(after.primary.name, "ben");
    }

    #[test]
    fn one_person_has_no_secondary_and_dates_and_times_are_checked() {
        let rotation = Rotation {
            people: vec![person("solo")],
            ..rotation()
        };
        let shift = rotation
            .shift_at(utc("2026-11-21T12:00:00Z"), &|_| 0)
            .unwrap();
        assert_eq!(
            (shift.primary.name.as_str(), shift.secondary),
            ("solo", None)
        );
        assert_eq!(day_of("1970-01-02"), Some(1));
        assert_eq!(day_of("2026-02-30"), None);
        assert_eq!(minute_of("23:59"), Some(1439));
        assert_eq!(minute_of("24:00"), None);
        assert_eq!(minute_of("9:00"), None);
        assert_eq!(gmt_offset("GMT"), Some(0));
        assert_eq!(gmt_offset("GMT+01:00"), Some(60));
        assert_eq!(gmt_offset("GMT-03:30"), Some(-210));
        assert_eq!(gmt_offset("GMT\u{2212}05:00"), Some(-300), "a minus sign");
        assert_eq!(gmt_offset("GMT+5"), Some(300));
        assert_eq!(gmt_offset("UTC+1"), None);
        assert_eq!(gmt_offset("GMT+99:00"), None);
    }

    #[test]
    fn times_and_offsets_are_digits_without_a_sign() {
        // Rust's integer parse takes a leading `+` (and `-`): the formats do not.
        for time in [
            "+9:30",
            "-0:30",
            "09:+5",
            "09:-0",
            "+09:30",
            "9:300",
            "09:3",
            "",
            ":",
            "12",
            "0x:10",
            "٠٩:٣٠",
            "09:30 ",
        ] {
            assert_eq!(minute_of(time), None, "{time:?}");
        }
        for offset in [
            "GMT++1",
            "GMT+-1",
            "GMT-+1",
            "GMT--1",
            "GMT\u{2212}-1",
            "GMT+01:+5",
            "GMT+01:5",
            "GMT+001:00",
            "GMT+",
            "GMT-",
            "GMT+:30",
            "GMT+01:",
        ] {
            assert_eq!(gmt_offset(offset), None, "{offset:?}");
        }
        assert_eq!(minute_of("00:00"), Some(0));
        assert_eq!(minute_of("09:30"), Some(570));
        assert_eq!(gmt_offset("GMT-09:30"), Some(-570));
    }

    #[test]
    fn dates_are_four_two_two_digits() {
        // chrono alone reads `%Y-%m-%d` more freely: a signed or longer year, a one-digit month.
        for date in [
            "+2026-11-02",
            "+026-11-02",
            "02026-11-02",
            "2026-1-02",
            "2026-11-2",
            "2026-11-02 ",
            "2026/11/02",
            "2026-13-01",
            "",
        ] {
            assert_eq!(day_of(date), None, "{date:?}");
        }
        assert_eq!(day_of("1970-01-01"), Some(0));
        assert_eq!(day_of("1969-12-31"), Some(-1));
        assert_eq!(day_of("2026-11-02"), Some(20_759));
    }
}
