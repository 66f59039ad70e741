//! The on-call console's page (`console/`): who is on call now and next, and the handoff
//! checklist, to copy as Markdown.

use super::markup::{el, Element, Node};
use crate::alerting::oncall::{Rotation, Shift};
use crate::monitor::history::format_minute;

pub struct OnCallView<'a> {
    pub rotation: Option<&'a Rotation>,
    /// The shift now and the next one, when the rotation could be placed in time.
    pub shifts: Option<(Shift<'a>, Shift<'a>)>,
    /// Why there is no rotation to show, or why it cannot be placed.
    pub problem: Option<&'a str>,
}

const WEEKDAYS: [&str; 7] = [
    "Mondays",
    "Tuesdays",
    "Wednesdays",
    "Thursdays",
    "Fridays",
    "Saturdays",
    "Sundays",
];

pub fn on_call(view: &OnCallView) -> Node {
    let mut root = el("div").child(el("h1").attr("id", "oncall-title").text("On call"));
    if let Some(problem) = view.problem {
        root = root.child(el("p").class("problem").attr("role", "alert").text(problem));
    }
    match (view.rotation, &view.shifts) {
        (Some(rotation), Some((now, next))) => {
            // 1970-01-01 was a Thursday.
            let weekday = WEEKDAYS[(rotation.first_day + 3).rem_euclid(7) as usize];
            let minute = rotation.handoff_minute;
            root = root
                .child(el("p").class("lede").text(format!(
                    "A weekly rotation of {} people; the shift changes {weekday} at {:02}:{:02} {}.",
                    rotation.people.len(),
                    minute / 60,
                    minute % 60,
                    rotation.time_zone
                )))
                .child(
                    el("div")
                        .class("shifts")
                        .child(shift("Now", "now", now))
                        .child(shift("Next", "next", next)),
                );
        }
        _ => {
            root = root.child(el("p").class("lede").text(
                "No on-call rotation: add `alerting.on_call` to status.json \
                 (people, first_day, handoff_time, time_zone; see docs/formats.md).",
            ));
        }
    }
    root.into()
}

/// The handoff checklist (`alerting::handoff::markdown`), to copy as Markdown.
pub fn handoff(text: &str) -> Node {
    el("section")
        .class("handoff")
        .attr("aria-labelledby", "handoff-title")
        .child(
            el("h2")
                .attr("id", "handoff-title")
                .text("Handoff checklist"),
        )
        .child(
            el("p")
                .class("muted")
                .text("For the shift change: paste it into the team's chat or the ticket."),
        )
        .child(
            el("button")
                .attr("type", "button")
                .class("secondary")
                .attr("data-action", "copy-handoff")
                .text("Copy as Markdown"),
        )
        .child(el("pre").attr("id", "handoff-text").text(text))
        .into()
}

fn shift(title: &'static str, id: &'static str, shift: &Shift) -> Element {
    let secondary = shift
        .secondary
        .map_or("nobody (a rotation of one)".to_owned(), |p| p.name.clone());
    el("section")
        .class("shift")
        .attr("data-shift", id)
        .child(el("h2").text(title))
        .child(
            el("dl")
                .child(el("dt").text("Primary"))
                .child(el("dd").class("primary").text(shift.primary.name.clone()))
                .child(el("dt").text("Secondary"))
                .child(el("dd").class("secondary-person").text(secondary))
                .child(el("dt").text("Shift"))
                .child(el("dd").text(format!(
                    "{} to {}",
                    format_minute(shift.start),
                    format_minute(shift.end)
                ))),
        )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::alerting::oncall::{day_of, Person};
    use crate::page::markup::to_html;

    fn rotation() -> Rotation {
        let person = |name: &str| Person {
            name: name.into(),
            notify: Vec::new(),
        };
        Rotation {
            people: vec![person("Ana <b>"), person("Ben")],
            manager: None,
            first_day: day_of("2026-11-02").unwrap(),
            handoff_minute: 9 * 60 + 30,
            time_zone: "Europe/Berlin".into(),
        }
    }

    #[test]
    fn now_and_next_with_the_rotation_s_rule_and_the_checklist_as_text() {
        let rotation = rotation();
        let at = 1_795_219_200_000; // 2026-11-21T00:00:00Z
        let shifts = rotation.now_and_next(at, &|_| 60);
        let tree = on_call(&OnCallView {
            rotation: Some(&rotation),
            shifts,
            problem: None,
        });
        let html = to_html(&tree);
        assert!(
            html.contains("the shift changes Mondays at 09:30 Europe/Berlin."),
            "{html}"
        );
        let now = tree.find_all("shift")[0];
        assert_eq!(now.get("data-shift"), Some("now"));
        let text = Node::from(now.clone()).text_content();
        assert!(text.contains("PrimaryAna <b>SecondaryBen"), "{text}");
        let html = to_html(&handoff("# On-call handoff\n- <script>"));
        assert!(
            html.contains("<pre id=\"handoff-text\"># On-call handoff\n- &lt;script&gt;</pre>"),
            "{html}"
        );
    }

    #[test]
    fn without_a_rotation_it_says_how_to_add_one_and_problems_are_alerts() {
        let tree = on_call(&OnCallView {
            rotation: None,
            shifts: None,
            problem: Some("no status.json"),
        });
        let html = to_html(&tree);
        assert!(
            html.contains("No on-call rotation: add `alerting.on_call`"),
            "{html}"
        );
        assert!(
            html.contains("<p class=\"problem\" role=\"alert\">no status.json</p>"),
            "{html}"
        );
        assert!(tree.find_all("shift").is_empty());
    }
}
