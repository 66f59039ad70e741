//! Acknowledgement targets against what happened (spec section 6): with someone on call, a P1
//! within 5 minutes and a P2 within 30 at any hour; a solo author, who has no pager, within 15
//! (a P2: 30) in business hours and 60 after them; a P3 by the end of the next business day.
//! Business hours are Monday to Friday, 09:00 to 18:00, in the rotation's zone.

use super::config::AlertingConfig;
use super::dispatch::Page;
use super::oncall::{to_utc, Offset};
use crate::monitor::events::Severity;
use crate::monitor::record::{Millis, DAY, MINUTE};

/// How one alert did against its target.
#[derive(Debug, Clone, PartialEq)]
pub struct AckResult<'a> {
    pub page: &'a Page,
    /// When it had to be acknowledged by.
    pub due: Millis,
    /// How long it took, if it was acknowledged (a person closing it counts).
    pub took: Option<Millis>,
    pub verdict: Verdict,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    Met,
    Missed,
    /// Not acknowledged yet, and not due yet.
    Waiting,
    /// The server recovered before anyone acknowledged it, within the target.
    Recovered,
}

impl Verdict {
    pub fn as_str(self) -> &'static str {
        match self {
            Verdict::Met => "met",
            Verdict::Missed => "missed",
            Verdict::Waiting => "waiting",
            Verdict::Recovered => "recovered first",
        }
    }
}

/// Who answers the alerts, which sets how fast they can.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Responders {
    /// A rotation: someone is on call at any hour.
    OnCall,
    /// A solo author: no 24/7 pager (spec section 8), a realistic answer is slower, more so
    /// after hours.
    Solo,
}

impl Responders {
    /// A policy with a rotation or a paging tool (PagerDuty) has someone on call; one with
    /// neither is a solo author's (the `solo` preset).
    pub fn of(config: &AlertingConfig) -> Responders {
        let pager = config.channels.iter().any(|c| c.kind.pages());
        match config.rotation.is_some() || pager {
            true => Responders::OnCall,
            false => Responders::Solo,
        }
    }
}

/// Business hours: Monday to Friday, from 09:00 to 18:00 local time.
const BUSINESS_HOURS: std::ops::Range<i64> = 9 * 60..18 * 60;

/// When an alert of `severity` fired at `at` must be acknowledged by.
pub fn due(severity: Severity, at: Millis, offset: Offset, responders: Responders) -> Millis {
    let business = is_business_hours(at, offset);
    let minutes = match (severity, responders) {
        (Severity::P3, _) => return end_of_next_business_day(at, offset),
        (Severity::P1, Responders::OnCall) => 5,
        (Severity::P2, Responders::OnCall) => 30,
        (Severity::P1, Responders::Solo) if business => 15,
        (Severity::P2, Responders::Solo) if business => 30,
        (_, Responders::Solo) => 60,
    };
    at + minutes * MINUTE
}

/// Whether a local day (days since 1970-01-01) is Monday to Friday.
fn is_weekday(day: i64) -> bool {
    // 1970-01-01 was a Thursday: day + 3 counts from a Monday.
    (day + 3).rem_euclid(7) < 5
}

/// Whether `at` is in business hours in the zone of `offset`.
fn is_business_hours(at: Millis, offset: Offset) -> bool {
    let local = at + i64::from(offset(at)) * MINUTE;
    is_weekday(local.div_euclid(DAY)) && BUSINESS_HOURS.contains(&(local.rem_euclid(DAY) / MINUTE))
}

/// Local midnight at the end of the first Monday-to-Friday day after `at`'s local day.
fn end_of_next_business_day(at: Millis, offset: Offset) -> Millis {
    let local_day = (at + i64::from(offset(at)) * MINUTE).div_euclid(DAY);
    let mut day = local_day + 1;
    while !is_weekday(day) {
        day += 1;
    }
    to_utc((day + 1) * DAY, offset)
}

/// The latest start of business hours (a weekday's 09:00 in the zone of `offset`) at or
/// before `at`: the morning the P3 digest is for (`digest`).
pub fn last_business_morning(at: Millis, offset: Offset) -> Millis {
    let mut day = (at + i64::from(offset(at)) * MINUTE).div_euclid(DAY);
    loop {
        let morning = to_utc(day * DAY + BUSINESS_HOURS.start * MINUTE, offset);
        if is_weekday(day) && morning <= at {
            return morning;
        }
        day -= 1;
    }
}

/// Every alert's acknowledgement against its target, at `now`.
pub fn results<'a>(
    pages: &'a [Page],
    now: Millis,
    offset: Offset,
    responders: Responders,
) -> Vec<AckResult<'a>> {
    pages
        .iter()
        .map(|page| {
            let due = due(page.fired_severity, page.opened_at, offset, responders);
            let answered = page
                .acknowledged
                .as_ref()
                .or(page.closed.as_ref().filter(|c| !c.by.is_empty()))
                .map(|mark| mark.at);
            let recovered = page.closed.as_ref().filter(|c| c.by.is_empty());
            let verdict = match (answered, recovered) {
                (Some(at), _) if at <= due => Verdict::Met,
                (Some(_), _) => Verdict::Missed,
                (None, Some(closed)) if closed.at <= due => Verdict::Recovered,
                (None, _) if now > due => Verdict::Missed,
                (None, _) => Verdict::Waiting,
            };
            AckResult {
                page,
                due,
                took: answered.map(|at| at - page.opened_at),
                verdict,
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::alerting::config::ChannelKind;
    use crate::alerting::dispatch::{Dispatcher, OnCall, Summary};
    use crate::monitor::events::{Alert, AlertKind, AlertReason};

    const FRIDAY: Millis = 1_795_219_200_000 - DAY; // 2026-11-20T00:00:00Z, a Friday

    fn fired(dispatcher: &mut Dispatcher, severity: Severity, incident: u64, at: Millis) -> String {
        let alert = Alert {
            at,
            kind: AlertKind::Fire,
            severity,
            reason: AlertReason::Downtime { incident },
        };
        let config = AlertingConfig::default();
        let summary = Summary::of(&alert, None, "down");
        dispatcher.alert(&config, "api", &alert, summary, OnCall::default())[0]
            .page
            .key
            .clone()
    }

    #[test]
    fn the_digest_morning_is_the_last_weekday_nine_oclock_local_time() {
        let berlin = |_| 60;
        let hour = 60 * MINUTE;
        // 09:00 in Berlin is 08:00 UTC.
        let friday_morning = FRIDAY + 8 * hour;
        assert_eq!(
            last_business_morning(friday_morning, &berlin),
            friday_morning
        );
        assert_eq!(
            last_business_morning(friday_morning - 1, &berlin),
            friday_morning - DAY,
            "a minute before nine is still Thursday's"
        );
        // All weekend, and Monday until nine, it is Friday's; then Monday's.
        for at in [
            FRIDAY + 23 * hour,
            FRIDAY + 2 * DAY,
            FRIDAY + 3 * DAY + 7 * hour,
        ] {
            assert_eq!(last_business_morning(at, &berlin), friday_morning);
        }
        let monday_morning = friday_morning + 3 * DAY;
        assert_eq!(
            last_business_morning(monday_morning, &berlin),
            monday_morning
        );
        // In New York (UTC-5) Friday's 09:00 is 14:00 UTC.
        let new_york = |_| -300;
        assert_eq!(
            last_business_morning(FRIDAY + 15 * hour, &new_york),
            FRIDAY + 14 * hour
        );
    }

    #[test]
    fn a_p3_on_friday_is_due_by_the_end_of_monday_local_time() {
        let berlin = |_| 60;
        let due = due(
            Severity::P3,
            FRIDAY + 15 * 60 * MINUTE,
            &berlin,
            Responders::OnCall,
        );
        // Monday 2026-11-23 24:00 at UTC+1 is 23:00 UTC.
        assert_eq!(due, FRIDAY + 3 * DAY + 23 * 60 * MINUTE);
        assert_eq!(
            super::due(Severity::P1, FRIDAY, &berlin, Responders::OnCall),
            FRIDAY + 5 * MINUTE
        );
        assert_eq!(
            super::due(Severity::P2, FRIDAY, &berlin, Responders::OnCall),
            FRIDAY + 30 * MINUTE
        );
    }

    #[test]
    fn a_solo_author_answers_within_15_minutes_in_business_hours_and_an_hour_after() {
        let berlin = |_| 60;
        let solo = |severity, at| super::due(severity, at, &berlin, Responders::Solo) - at;
        // FRIDAY is 2026-11-20 00:00 UTC: 01:00 in Berlin, after hours.
        let friday_at = |hour: i64| FRIDAY + (hour - 1) * 60 * MINUTE; // Berlin's hour
        assert_eq!(solo(Severity::P1, friday_at(1)), 60 * MINUTE);
        assert_eq!(solo(Severity::P1, friday_at(9)), 15 * MINUTE);
        assert_eq!(solo(Severity::P2, friday_at(9)), 30 * MINUTE);
        assert_eq!(
            solo(Severity::P1, friday_at(17)),
            15 * MINUTE,
            "17:59 is still in"
        );
        assert_eq!(
            solo(Severity::P1, friday_at(18)),
            60 * MINUTE,
            "18:00 is after"
        );
        assert_eq!(solo(Severity::P2, friday_at(20)), 60 * MINUTE);
        // Saturday at noon is no business hour; whoever is on call answers at any hour.
        let saturday_noon = friday_at(12) + DAY;
        assert_eq!(solo(Severity::P1, saturday_noon), 60 * MINUTE);
        let on_call = super::due(Severity::P1, saturday_noon, &berlin, Responders::OnCall);
        assert_eq!(on_call - saturday_noon, 5 * MINUTE);
        // Whether someone is on call: a rotation, or a paging tool.
        let mut config = AlertingConfig::default();
        assert_eq!(Responders::of(&config), Responders::Solo);
        config.channels.push(super::super::config::Channel {
            id: "pd".into(),
            kind: ChannelKind::PagerDuty {
                routing_key: "k".into(),
                url: "https://events.pagerduty.example".into(),
            },
        });
        assert_eq!(Responders::of(&config), Responders::OnCall);
    }

    #[test]
    fn each_alert_is_measured_against_its_target() {
        let mut dispatcher = Dispatcher::default();
        let quick = fired(&mut dispatcher, Severity::P1, 1, FRIDAY);
        dispatcher.acknowledge(&quick, "ana", FRIDAY + 4 * MINUTE);
        let slow = fired(&mut dispatcher, Severity::P1, 2, FRIDAY);
        dispatcher.acknowledge(&slow, "ben", FRIDAY + 9 * MINUTE);
        fired(&mut dispatcher, Severity::P1, 3, FRIDAY); // nobody answers
        fired(&mut dispatcher, Severity::P2, 4, FRIDAY); // not due yet
        let closed = fired(&mut dispatcher, Severity::P2, 5, FRIDAY);
        dispatcher.resolve(&closed, "cy", FRIDAY + 20 * MINUTE);
        let now = FRIDAY + 20 * MINUTE;
        let results = results(&dispatcher.pages, now, &|_| 0, Responders::OnCall);
        let verdicts: Vec<(Verdict, Option<Millis>)> = results
            .iter()
            .map(|r| (r.verdict, r.took.map(|t| t / MINUTE)))
            .collect();
        assert_eq!(
            verdicts,
            [
                (Verdict::Met, Some(4)),
                (Verdict::Missed, Some(9)),
                (Verdict::Missed, None),
                (Verdict::Waiting, None),
                (Verdict::Met, Some(20)),
            ]
        );
    }
}
