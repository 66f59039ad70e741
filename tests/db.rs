//! History in IndexedDB, in headless Chromium: writes read back through a new connection, an
//! old database is migrated with nothing lost, a migration or an import cut off before its
//! rebuild is finished by the next open, imports are all-or-nothing and idempotent and refuse
//! probes from the future, and export → wipe → import gives the same uptimes, even where only
//! rollups, incidents and events still knew them; history kept under the origin's shared name
//! is carried into a deployment's own database once, never over its own history.
#![cfg(target_arch = "wasm32")]

use idb::Database;
use mcp_status_core::monitor::config::MonitorConfig;
use mcp_status_core::monitor::history::{line_of, BadLines};
use mcp_status_core::monitor::record::{Millis, ProbeRecord, DAY, MINUTE};
use mcp_status_core::monitor::rollup::Uptime;
use mcp_status_core::monitor::store::Retention;
use mcp_status_core::monitor::ServerMonitor;
use mcp_status_core::{Layer, Outcome};
use mcp_status_web::browser::db::owed::{self, Owed};
use mcp_status_web::browser::db::rounds::{self, ServerWrite};
use mcp_status_web::browser::db::transfer::{self, ImportError};
use mcp_status_web::browser::db::{self, schema};
use mcp_status_web::browser::db::{acknowledged, monitors, recent, retention, settings};
use wasm_bindgen::JsValue;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

const T0: Millis = 1_795_219_200_000; // 2026-11-21T00:00:00Z
/// When the imports happen: after every probe here.
const NOW: Millis = T0 + 60 * DAY;

/// No site config: each server replays with the defaults.
fn no_rules(_: &str) -> Option<MonitorConfig> {
    None
}
const URL: &str = "https://demo.onrender.com/mcp";

/// A day and a half at 60 s: an outage of five probes, a cold start after an idle hour.
fn probes() -> Vec<ProbeRecord> {
    let mut out = Vec::new();
    let mut at = T0;
    for i in 0..2_160 {
        let failed = (600..605).contains(&i) || i == 1_500;
        if i == 1_500 {
            at += 60 * MINUTE; // nobody probed for an hour: the next probe meets a cold start
        }
        out.push(ProbeRecord {
            at,
            outcome: if failed { Outcome::Failed } else { Outcome::Ok },
            layer: failed.then_some(Layer::Transport),
            latency_ms: if i == 1_501 {
                4_000
            } else {
                150 + (i % 7) as u32
            },
            contract_hash: (!failed).then_some(0xabc),
            metadata_hash: (!failed).then_some(0xdef),
            error: failed.then(|| "connection refused".to_owned()),
        });
        at += MINUTE;
    }
    out
}

fn ndjson(server: &str, probes: &[ProbeRecord]) -> String {
    probes
        .iter()
        .map(|p| line_of(server, URL, p) + "\n")
        .collect()
}

/// A fresh database holding `probes()` of server "demo", imported.
async fn with_demo_history(name: &str) -> (Database, Vec<ProbeRecord>) {
    with_demo_history_named(&format!("{name}-{}", js_sys::Math::random())).await
}

fn replayed(probes: &[ProbeRecord]) -> ServerMonitor {
    let mut monitor = ServerMonitor::new(MonitorConfig::default(), "demo.onrender.com").unwrap();
    for probe in probes {
        monitor.ingest(probe);
    }
    monitor
}

fn windows(monitor: &ServerMonitor, now: Millis) -> Vec<Uptime> {
    [DAY, 7 * DAY, 30 * DAY, 90 * DAY]
        .into_iter()
        .map(|span| monitor.uptime(now, span))
        .chain(monitor.days(now, 90).into_iter().map(|(_, u)| u))
        .collect()
}

async fn fresh(name: &str) -> Database {
    let name = format!("{name}-{}", js_sys::Math::random());
    db::open(&name).await.unwrap()
}

async fn loaded_windows(database: &Database, now: Millis) -> Vec<Uptime> {
    let (loaded, damaged) = rounds::load(database, now).await.unwrap();
    assert!(damaged.is_empty(), "{damaged:?}");
    assert_eq!(loaded.len(), 1);
    assert_eq!(loaded[0].url, URL);
    windows(&loaded[0].monitor, now)
}

#[wasm_bindgen_test]
async fn probe_rounds_read_back_through_a_new_connection() {
    let name = format!("rounds-{}", js_sys::Math::random());
    let database = db::open(&name).await.unwrap();
    let probes = probes();
    let mut monitor = replayed(&[]);
    // One transaction per round, as the prober writes them; the monitor forgets what it wrote.
    for probe in &probes {
        monitor.ingest(probe);
        let write = ServerWrite {
            lines: vec![(probe.at, line_of("demo", URL, probe))],
            ..ServerWrite::of_monitor("demo", URL, &monitor)
        };
        assert_eq!(rounds::write(&database, &[write]).await.unwrap(), 1);
        monitor.saved();
    }
    database.close();

    let database = db::open(&name).await.unwrap();
    let now = probes.last().unwrap().at + MINUTE;
    assert_eq!(
        loaded_windows(&database, now).await,
        windows(&replayed(&probes), now)
    );
    assert_eq!(
        transfer::probes_text(&database).await.unwrap(),
        ndjson("demo", &probes)
    );
    database.close();
    db::delete(&name).await.unwrap();
}

/// A version-1 database: raw probes (hour records of history lines) and settings, nothing
/// derived.
async fn version_1(name: &str, probes: &[ProbeRecord]) {
    let old = db::open_at(name, 1).await.unwrap();
    assert_eq!(old.store_names(), ["probes", "settings"]);
    let tx = old
        .transaction(&["probes", "settings"], idb::TransactionMode::ReadWrite)
        .unwrap();
    for (start, lines) in mcp_status_core::monitor::store::by_chunk(
        &probes
            .iter()
            .map(|p| (p.at, line_of("demo", URL, p)))
            .collect::<Vec<_>>(),
    ) {
        let text: String = lines.iter().map(|(_, line)| format!("{line}\n")).collect();
        let key = js_sys::Array::of2(&"demo".into(), &JsValue::from_f64(start as f64));
        tx.object_store("probes")
            .unwrap()
            .put(&text.into(), Some(&key.into()))
            .unwrap();
    }
    tx.object_store("settings")
        .unwrap()
        .put(
            &JsValue::from_str("{\"raw_days\":30}"),
            Some(&"retention".into()),
        )
        .unwrap();
    tx.commit().unwrap().await.unwrap();
    old.close();
}

#[wasm_bindgen_test]
async fn a_version_1_database_is_migrated_with_every_record() {
    let name = format!("migrate-{}", js_sys::Math::random());
    let probes = probes();
    version_1(&name, &probes).await;

    let database = db::open(&name).await.unwrap();
    assert_eq!(database.version().unwrap(), schema::VERSION);
    assert_eq!(
        transfer::probes_text(&database).await.unwrap(),
        ndjson("demo", &probes)
    );
    let now = probes.last().unwrap().at + MINUTE;
    assert_eq!(
        loaded_windows(&database, now).await,
        windows(&replayed(&probes), now)
    );
    let tx = database
        .transaction(&["settings"], idb::TransactionMode::ReadOnly)
        .unwrap();
    let setting = tx
        .object_store("settings")
        .unwrap()
        .get(idb::Query::Key("retention".into()))
        .unwrap()
        .await
        .unwrap();
    assert_eq!(
        setting.and_then(|v| v.as_string()).as_deref(),
        Some("{\"raw_days\":30}")
    );
    database.close();
    db::delete(&name).await.unwrap();
}

#[wasm_bindgen_test]
async fn a_migration_cut_off_before_its_rebuild_is_finished_by_the_next_open() {
    let name = format!("migrate-cut-{}", js_sys::Math::random());
    let probes = probes();
    version_1(&name, &probes).await;
    let now = probes.last().unwrap().at + MINUTE;
    // The upgrade committed, then the tab closed: nothing rebuilt, all of it owed.
    let half = db::open_at(&name, schema::VERSION).await.unwrap();
    assert!(owed::owed(&half).await.unwrap().all);
    assert!(rounds::load(&half, now).await.unwrap().0.is_empty());
    half.close();

    let database = db::open(&name).await.unwrap();
    assert_eq!(
        loaded_windows(&database, now).await,
        windows(&replayed(&probes), now)
    );
    assert_eq!(owed::owed(&database).await.unwrap(), Owed::default());
    database.close();
    db::delete(&name).await.unwrap();
}

#[wasm_bindgen_test]
async fn an_import_cut_off_before_its_rebuild_is_finished_by_the_next_open() {
    let name = format!("import-cut-{}", js_sys::Math::random());
    let database = db::open(&name).await.unwrap();
    let probes = probes();
    let now = probes.last().unwrap().at + MINUTE;
    // The probes and the debt in one transaction, then the tab closed.
    let report = transfer::store(&database, &ndjson("demo", &probes), BadLines::Refuse, NOW)
        .await
        .unwrap();
    assert_eq!(report.added, probes.len());
    assert!(rounds::load(&database, now).await.unwrap().0.is_empty());
    assert_eq!(
        owed::owed(&database).await.unwrap().servers,
        ["demo".to_owned()].into()
    );
    database.close();

    let database = db::open(&name).await.unwrap();
    assert_eq!(
        loaded_windows(&database, now).await,
        windows(&replayed(&probes), now)
    );
    assert_eq!(owed::owed(&database).await.unwrap(), Owed::default());
    database.close();
    db::delete(&name).await.unwrap();
}

#[wasm_bindgen_test]
async fn an_import_and_an_upgrade_replay_each_server_with_the_sites_rules() {
    // The site asks for ten failures before "down": the five-probe outage is none.
    let patient = MonitorConfig {
        failures_to_down: 10,
        ..MonitorConfig::default()
    };
    let rules = |server: &str| (server == "demo").then(|| patient.clone());
    let probes = probes();
    let now = probes.last().unwrap().at + MINUTE;
    let mut expected = ServerMonitor::new(patient.clone(), "demo.onrender.com").unwrap();
    for probe in &probes {
        expected.ingest(probe);
    }
    assert_eq!(windows(&expected, now)[3].incidents, 0);

    let database = fresh("import-rules").await;
    transfer::import(
        &database,
        &ndjson("demo", &probes),
        BadLines::Refuse,
        NOW,
        &rules,
    )
    .await
    .unwrap();
    assert_eq!(
        loaded_windows(&database, now).await,
        windows(&expected, now)
    );
    database.close();

    let name = format!("migrate-rules-{}", js_sys::Math::random());
    version_1(&name, &probes).await;
    let (database, undone) = db::open_carrying_over(&name, &name, &rules).await.unwrap();
    assert!(undone.rebuild.is_none(), "{undone:?}");
    assert_eq!(
        loaded_windows(&database, now).await,
        windows(&expected, now)
    );
    database.close();
    db::delete(&name).await.unwrap();
}

#[wasm_bindgen_test]
async fn an_import_refuses_a_probe_from_the_future_and_names_its_line() {
    let database = fresh("import-future").await;
    let probes = probes();
    let future = ProbeRecord {
        at: 4_070_908_800_000, // 2099-01-01
        ..probes[0].clone()
    };
    let text = ndjson("demo", &probes[..3]) + &ndjson("demo", &[future]);
    match transfer::import(&database, &text, BadLines::Refuse, NOW, &no_rules).await {
        Err(ImportError::Invalid(error)) => assert_eq!(
            error.to_string(),
            "line 4: dated 2099-01-01T00:00:00.000Z, after now: the clock of the machine that \
             wrote it, or the file, is wrong"
        ),
        other => panic!("{other:?}"),
    }
    assert_eq!(transfer::probes_text(&database).await.unwrap(), "");
    let report = transfer::import(&database, &text, BadLines::Skip, NOW, &no_rules)
        .await
        .unwrap();
    assert_eq!((report.added, report.skipped.len()), (3, 1));
    // The server goes on: its engine's newest probe is not in 2099.
    let (loaded, _) = rounds::load(&database, NOW).await.unwrap();
    assert_eq!(loaded[0].monitor.last_probe_at(), Some(probes[2].at));
    database.close();
}

#[wasm_bindgen_test]
async fn a_file_with_a_bad_line_imports_nothing_unless_bad_lines_are_skipped() {
    let database = fresh("import-bad").await;
    let good = ndjson("demo", &probes()[..10]);
    // Line 2 is not a probe.
    let text = good.replacen(
        '\n',
        "\n{\"server\": \"demo\", \"at\": \"not a time\"}\n",
        1,
    );
    match transfer::import(&database, &text, BadLines::Refuse, NOW, &no_rules).await {
        Err(ImportError::Invalid(error)) => assert_eq!(error.line, 2),
        other => panic!("{other:?}"),
    }
    assert_eq!(transfer::probes_text(&database).await.unwrap(), "");

    let report = transfer::import(&database, &text, BadLines::Skip, NOW, &no_rules)
        .await
        .unwrap();
    assert_eq!(report.added, 10);
    let lines: Vec<_> = report.skipped.iter().map(|e| e.line).collect();
    assert_eq!(lines, [2]);
    database.close();
}

#[wasm_bindgen_test]
async fn importing_the_same_file_twice_adds_nothing() {
    let database = fresh("import-twice").await;
    let text = ndjson("demo", &probes());
    let first = transfer::import(&database, &text, BadLines::Refuse, NOW, &no_rules)
        .await
        .unwrap();
    assert_eq!((first.added, first.duplicates), (2_160, 0));
    let now = T0 + 2 * DAY;
    let before = loaded_windows(&database, now).await;
    let second = transfer::import(&database, &text, BadLines::Refuse, NOW, &no_rules)
        .await
        .unwrap();
    assert_eq!((second.added, second.duplicates), (0, 2_160));
    assert_eq!(loaded_windows(&database, now).await, before);
    assert_eq!(transfer::probes_text(&database).await.unwrap(), text);
    database.close();
}

#[wasm_bindgen_test]
async fn export_wipe_import_gives_the_same_uptimes() {
    let (database, probes) = with_demo_history("round-trip").await;
    let now = probes.last().unwrap().at + MINUTE;
    let before = loaded_windows(&database, now).await;
    assert_eq!(before, windows(&replayed(&probes), now));
    assert!(
        before[3].cold_starts == 1 && before[3].incidents == 1,
        "{:?}",
        before[3]
    );

    let exported = transfer::probes_text(&database).await.unwrap();
    retention::wipe(&database).await.unwrap();
    assert_eq!(rounds::load(&database, now).await.unwrap().0.len(), 0);
    transfer::import(&database, &exported, BadLines::Refuse, NOW, &no_rules)
        .await
        .unwrap();
    assert_eq!(loaded_windows(&database, now).await, before);
    database.close();
}

#[wasm_bindgen_test]
async fn export_wipe_import_restores_what_only_rollups_incidents_and_events_still_knew() {
    let (database, probes) = with_demo_history("restore").await;
    let now = probes.last().unwrap().at + MINUTE;
    // One day of raw probes kept: the outage of the first day is only in rollups, incidents
    // and events now.
    let retention = Retention {
        raw_days: 1,
        ..Retention::default()
    };
    retention::prune(&database, now, retention).await.unwrap();
    let before = loaded_windows(&database, now).await;
    assert_eq!(before[3].incidents, 1, "{:?}", before[3]);

    let exported = transfer::export(&database, now).await.unwrap();
    assert!(
        exported.starts_with(r#"{"record":"export","version":2,"exported_at":""#),
        "{}",
        &exported[..80]
    );
    retention::wipe(&database).await.unwrap();
    let report = transfer::import(&database, &exported, BadLines::Refuse, NOW, &no_rules)
        .await
        .unwrap();
    assert_eq!(report.servers, ["demo"]);
    assert_eq!(
        loaded_windows(&database, now).await,
        before,
        "uptimes, bars and incidents"
    );
    // Imported twice, nothing changes.
    transfer::import(&database, &exported, BadLines::Refuse, NOW, &no_rules)
        .await
        .unwrap();
    assert_eq!(loaded_windows(&database, now).await, before);
    database.close();
}

/// How many records `store` holds.
async fn count(database: &Database, store: &str) -> usize {
    let tx = database
        .transaction(&[store], idb::TransactionMode::ReadOnly)
        .unwrap();
    let store = tx.object_store(store).unwrap();
    store.get_all_keys(None, None).unwrap().await.unwrap().len()
}

#[wasm_bindgen_test]
async fn a_tool_list_seen_before_is_not_kept_again_and_a_server_keeps_at_most_fifty() {
    let database = fresh("snapshots").await;
    let probe = probes()[0].clone();
    let write = |minute: i64, tools: String| {
        let at = T0 + minute * MINUTE;
        let probe = ProbeRecord {
            at,
            ..probe.clone()
        };
        ServerWrite {
            server: "lb".into(),
            lines: vec![(at, line_of("lb", URL, &probe))],
            snapshot: Some((at, tools)),
            ..ServerWrite::default()
        }
    };
    // A load balancer between two versions: each list is kept once.
    for i in 0..10 {
        let tools = format!(r#"[{{"name":"{}"}}]"#, if i % 2 == 0 { "a" } else { "b" });
        rounds::write(&database, &[write(i, tools)]).await.unwrap();
    }
    assert_eq!(count(&database, "snapshots").await, 2);
    // A list that changes every time: pruning keeps the newest fifty.
    for i in 0..60 {
        let tools = format!(r#"[{{"name":"t{i}"}}]"#);
        rounds::write(&database, &[write(100 + i, tools)])
            .await
            .unwrap();
    }
    assert_eq!(count(&database, "snapshots").await, 62);
    retention::prune(&database, T0 + DAY, Retention::default())
        .await
        .unwrap();
    assert_eq!(
        count(&database, "snapshots").await,
        retention::MAX_SNAPSHOTS
    );
    database.close();
}

#[wasm_bindgen_test]
async fn pruning_drops_old_raw_probes_and_keeps_rollups() {
    let (database, probes) = with_demo_history("prune").await;
    let now = probes.last().unwrap().at + MINUTE;
    let before = loaded_windows(&database, now).await;
    // Keep one day of raw probes: the first day's go, its rollups stay.
    let retention = Retention {
        raw_days: 1,
        ..Retention::default()
    };
    retention::prune(&database, now, retention).await.unwrap();
    let exported = transfer::probes_text(&database).await.unwrap();
    let first_kept = retention.raw_cutoff(now);
    assert!(exported.lines().count() < probes.len());
    assert_eq!(
        exported.lines().count(),
        probes.iter().filter(|p| p.at >= first_kept).count()
    );
    assert_eq!(loaded_windows(&database, now).await, before);

    // A full disk takes the oldest day of raw probes.
    let cutoff = retention::prune_oldest_day(&database)
        .await
        .unwrap()
        .unwrap();
    assert!(cutoff > first_kept);
    assert_eq!(loaded_windows(&database, now).await, before);
    database.close();
}

#[wasm_bindgen_test]
async fn monitors_and_the_retention_setting_are_kept() {
    use mcp_status_core::monitor::store::LocalMonitor;
    let database = fresh("settings").await;
    assert_eq!(
        retention::retention(&database).await.unwrap(),
        Retention::default()
    );
    let retention = Retention {
        raw_days: 7,
        ..Retention::default()
    };
    retention::save_retention(&database, retention)
        .await
        .unwrap();
    for (server, cadence_s) in [("a", 60), ("b \"quoted\"", 15)] {
        let monitor = LocalMonitor {
            server: server.into(),
            url: format!("https://{}.example/mcp", server.len()),
            cadence_s,
        };
        monitors::save_monitor(&database, &monitor).await.unwrap();
    }
    monitors::remove_monitor(&database, "a").await.unwrap();
    let monitors = monitors::local_monitors(&database).await.unwrap();
    assert_eq!(monitors.keys().collect::<Vec<_>>(), ["b \"quoted\""]);
    assert_eq!(monitors["b \"quoted\""].cadence_s, 15);
    assert_eq!(retention::retention(&database).await.unwrap(), retention);
    database.close();
}

#[wasm_bindgen_test]
async fn the_review_reads_each_servers_failures_and_events_and_the_page_reads_everything() {
    use recent::Part;
    let (database, probes) = with_demo_history("recent").await;
    let other: Vec<ProbeRecord> = probes[..3].to_vec();
    transfer::import(
        &database,
        &ndjson("other", &other),
        BadLines::Refuse,
        NOW,
        &no_rules,
    )
    .await
    .unwrap();
    let from = T0 + 5 * 60 * MINUTE;
    let servers = ["demo".to_owned(), "other".to_owned(), "nobody".to_owned()];
    let review = recent::recent(&database, &servers, from, Part::Findings)
        .await
        .unwrap();
    assert_eq!(review.len(), 3, "one answer per server, in order");
    let failed: Vec<&ProbeRecord> = probes
        .iter()
        .filter(|p| p.at >= from && p.outcome != Outcome::Ok)
        .collect();
    assert_eq!(review[0].probes.iter().collect::<Vec<_>>(), failed);
    assert_eq!(
        review[0].probes.len(),
        6,
        "the outage's five and the cold start"
    );
    assert_eq!(review[0].incidents.len(), 1);
    assert_eq!(review[0].cold_starts.len(), 1);
    assert!(
        review[0].snapshots.is_empty(),
        "no tool lists for the review"
    );
    assert!(
        review[1].probes.is_empty(),
        "other's probes are before `from`, and passed"
    );
    assert_eq!(review[2], Default::default());

    let page = recent::recent(&database, &servers[..1], from, Part::Everything)
        .await
        .unwrap();
    let since: Vec<&ProbeRecord> = probes.iter().filter(|p| p.at >= from).collect();
    assert_eq!(page[0].probes.iter().collect::<Vec<_>>(), since);
    assert_eq!(page[0].incidents, review[0].incidents);
    database.close();
}

#[wasm_bindgen_test]
async fn acknowledged_findings_are_kept() {
    let database = fresh("acknowledged").await;
    assert!(acknowledged::acknowledged(&database)
        .await
        .unwrap()
        .is_empty());
    let keys = vec![
        "demo|failure|1795219200000".to_owned(),
        "a \"b\"|drift|1".to_owned(),
    ];
    acknowledged::save_acknowledged(&database, &keys)
        .await
        .unwrap();
    assert_eq!(acknowledged::acknowledged(&database).await.unwrap(), keys);
    acknowledged::save_acknowledged(&database, &[])
        .await
        .unwrap();
    assert!(acknowledged::acknowledged(&database)
        .await
        .unwrap()
        .is_empty());
    database.close();
}

#[wasm_bindgen_test]
async fn importing_again_after_raw_probes_were_pruned_keeps_what_only_rollups_know() {
    let (database, probes) = with_demo_history("reimport").await;
    let now = probes.last().unwrap().at + MINUTE;
    let before = loaded_windows(&database, now).await;
    // Raw probes of the first day go; its rollups stay. Importing the old file again brings
    // that day's raw probes back: the rebuild must leave the other days' rollups alone and
    // land on the same numbers.
    let retention = Retention {
        raw_days: 1,
        ..Retention::default()
    };
    retention::prune(&database, now, retention).await.unwrap();
    assert!(
        transfer::probes_text(&database)
            .await
            .unwrap()
            .lines()
            .count()
            < probes.len()
    );
    let partial: String = ndjson("demo", &probes[..600]);
    transfer::import(&database, &partial, BadLines::Refuse, NOW, &no_rules)
        .await
        .unwrap();
    assert_eq!(loaded_windows(&database, now).await, before);
    database.close();
}

#[wasm_bindgen_test]
async fn events_at_the_same_instant_from_different_rounds_are_all_kept() {
    use mcp_status_core::monitor::events::{ColdStart, EventRecord};
    let database = fresh("events").await;
    let at = T0 + 5 * MINUTE;
    for failed in [true, false] {
        let write = ServerWrite {
            server: "demo".into(),
            events: vec![EventRecord::ColdStart(ColdStart {
                at,
                failed,
                post_idle: true,
                elevated_latency_ms: None,
            })],
            ..ServerWrite::default()
        };
        rounds::write(&database, std::slice::from_ref(&write))
            .await
            .unwrap();
        // Written again (a retried round): still one record.
        rounds::write(&database, &[write]).await.unwrap();
    }
    let tx = database
        .transaction(&[schema::EVENTS], idb::TransactionMode::ReadOnly)
        .unwrap();
    let count = tx
        .object_store(schema::EVENTS)
        .unwrap()
        .count(None)
        .unwrap()
        .await
        .unwrap();
    assert_eq!(count, 2);
    database.close();
}

#[wasm_bindgen_test]
async fn damaged_records_are_named_and_left_out_the_rest_loads() {
    let (database, probes) = with_demo_history("damaged").await;
    let tx = database
        .transaction(
            &[schema::ENGINE, schema::ROLLUPS],
            idb::TransactionMode::ReadWrite,
        )
        .unwrap();
    let garbage: JsValue = js_sys::Uint8Array::from(&[0xff_u8, 0x01, 0x02][..]).into();
    tx.object_store(schema::ENGINE)
        .unwrap()
        .put(&garbage, Some(&"broken".into()))
        .unwrap();
    let today = js_sys::Array::of2(&"demo".into(), &JsValue::from_f64((T0 / DAY) as f64));
    tx.object_store(schema::ROLLUPS)
        .unwrap()
        .put(&garbage, Some(&today.into()))
        .unwrap();
    tx.commit().unwrap().await.unwrap();
    let now = probes.last().unwrap().at + MINUTE;
    let (loaded, damaged) = rounds::load(&database, now).await.unwrap();
    assert_eq!(loaded.len(), 1);
    assert_eq!(loaded[0].server, "demo");
    assert_eq!(damaged.len(), 2, "{damaged:?}");
    database.close();
}

#[wasm_bindgen_test]
async fn an_unreadable_tool_list_is_left_out_and_the_others_keep_their_times() {
    use recent::Part;
    let database = fresh("snapshots").await;
    let list = |name: &str| format!(r#"[{{"name":"{name}"}}]"#);
    let times: Vec<Millis> = (1..=5).map(|i| T0 + i * MINUTE).collect();
    for (i, &at) in times.iter().enumerate() {
        let write = ServerWrite {
            server: "demo".into(),
            snapshot: Some((at, list(&format!("tool{i}")))),
            ..ServerWrite::default()
        };
        rounds::write(&database, &[write]).await.unwrap();
    }
    // The second not text, the third not JSON, the fourth not a list: each left out alone.
    let tx = database
        .transaction(&[schema::SNAPSHOTS], idb::TransactionMode::ReadWrite)
        .unwrap();
    let store = tx.object_store(schema::SNAPSHOTS).unwrap();
    let damaged: [JsValue; 3] = [
        js_sys::Uint8Array::from(&[0xff_u8, 0x01][..]).into(),
        "[{\"name\":".into(),
        r#"{"name":"x"}"#.into(),
    ];
    for (value, &at) in damaged.iter().zip(&times[1..4]) {
        let key = js_sys::Array::of2(&"demo".into(), &JsValue::from_f64(at as f64));
        store.put(value, Some(&key.into())).unwrap();
    }
    tx.commit().unwrap().await.unwrap();
    let recent = recent::recent(&database, &["demo".to_owned()], T0, Part::Everything)
        .await
        .unwrap();
    let read: Vec<(Millis, String)> = recent[0]
        .snapshots
        .iter()
        .map(|(at, tools)| (*at, serde_json::Value::Array(tools.clone()).to_string()))
        .collect();
    assert_eq!(
        read,
        [(times[0], list("tool0")), (times[4], list("tool4"))],
        "each list at its own time"
    );
    database.close();
}

/// A legacy database's name and this deployment's, as `db::open_page` derives them.
fn legacy_and_namespaced(test: &str) -> (String, String) {
    let legacy = format!("{test}-{}", js_sys::Math::random());
    let name = mcp_status_core::deployment::Deployment::at("/repo/").name(&legacy);
    (legacy, name)
}

async fn setting(database: &Database, key: &str) -> Option<String> {
    settings::setting(database, key).await.unwrap()
}

#[wasm_bindgen_test]
async fn history_under_the_legacy_name_is_carried_over_once_and_the_legacy_database_kept() {
    use mcp_status_core::monitor::store::LocalMonitor;
    let (legacy, name) = legacy_and_namespaced("carry");
    let (old, probes) = {
        let old = db::open(&legacy).await.unwrap();
        let probes = probes();
        transfer::import(
            &old,
            &ndjson("demo", &probes),
            BadLines::Refuse,
            NOW,
            &no_rules,
        )
        .await
        .unwrap();
        (old, probes)
    };
    let retention = Retention {
        raw_days: 7,
        ..Retention::default()
    };
    retention::save_retention(&old, retention).await.unwrap();
    let monitor = LocalMonitor {
        server: "mine".into(),
        url: "https://mine.example/mcp".into(),
        cadence_s: 60,
    };
    monitors::save_monitor(&old, &monitor).await.unwrap();
    settings::save_setting(&old, "local_alerting", "{\"channels\":[]}")
        .await
        .unwrap();
    old.close();
    // As a tab closed half-way leaves it: created, nothing copied, no mark.
    db::open(&name).await.unwrap().close();

    let (database, undone) = db::open_carrying_over(&name, &legacy, &no_rules)
        .await
        .unwrap();
    let failed = undone.carry_over;
    assert_eq!(failed, None);
    let now = probes.last().unwrap().at + MINUTE;
    assert_eq!(
        transfer::probes_text(&database).await.unwrap(),
        ndjson("demo", &probes)
    );
    assert_eq!(
        loaded_windows(&database, now).await,
        windows(&replayed(&probes), now)
    );
    assert_eq!(retention::retention(&database).await.unwrap(), retention);
    let monitors = monitors::local_monitors(&database).await.unwrap();
    assert_eq!(monitors.keys().collect::<Vec<_>>(), ["mine"]);
    assert_eq!(
        setting(&database, "local_alerting").await.as_deref(),
        Some("{\"channels\":[]}")
    );
    assert!(setting(&database, db::legacy::CARRIED).await.is_some());
    database.close();

    // Kept, and carried over once: what the legacy database gets later stays there.
    let old = db::open_existing(&legacy).await.unwrap().expect("kept");
    transfer::import(
        &old,
        &ndjson("later", &probes[..3]),
        BadLines::Refuse,
        NOW,
        &no_rules,
    )
    .await
    .unwrap();
    old.close();
    let (database, undone) = db::open_carrying_over(&name, &legacy, &no_rules)
        .await
        .unwrap();
    let failed = undone.carry_over;
    assert_eq!(failed, None);
    assert_eq!(
        transfer::probes_text(&database).await.unwrap(),
        ndjson("demo", &probes)
    );
    database.close();
    db::delete(&name).await.unwrap();
    db::delete(&legacy).await.unwrap();
}

#[wasm_bindgen_test]
async fn a_version_1_legacy_database_is_migrated_then_carried_over() {
    let (legacy, name) = legacy_and_namespaced("carry-v1");
    let probes = probes();
    version_1(&legacy, &probes).await;
    let (database, undone) = db::open_carrying_over(&name, &legacy, &no_rules)
        .await
        .unwrap();
    let failed = undone.carry_over;
    assert_eq!(failed, None);
    let now = probes.last().unwrap().at + MINUTE;
    assert_eq!(
        loaded_windows(&database, now).await,
        windows(&replayed(&probes), now)
    );
    database.close();
    db::delete(&name).await.unwrap();
    db::delete(&legacy).await.unwrap();
}

#[wasm_bindgen_test]
async fn two_tabs_carrying_over_at_once_copy_it_once() {
    let (legacy, name) = legacy_and_namespaced("carry-tabs");
    let (old, probes) = with_demo_history_named(&legacy).await;
    old.close();
    let (first, second) = futures::join!(
        db::open_carrying_over(&name, &legacy, &no_rules),
        db::open_carrying_over(&name, &legacy, &no_rules)
    );
    let (first, second) = (first.unwrap(), second.unwrap());
    assert_eq!((&first.1.carry_over, &second.1.carry_over), (&None, &None));
    assert_eq!(
        transfer::probes_text(&first.0).await.unwrap(),
        ndjson("demo", &probes)
    );
    first.0.close();
    second.0.close();
    db::delete(&name).await.unwrap();
    db::delete(&legacy).await.unwrap();
}

#[wasm_bindgen_test]
async fn no_legacy_database_is_created_and_a_deployment_s_own_history_is_never_overwritten() {
    let (legacy, name) = legacy_and_namespaced("carry-none");
    let (database, undone) = db::open_carrying_over(&name, &legacy, &no_rules)
        .await
        .unwrap();
    let failed = undone.carry_over;
    assert_eq!(failed, None);
    assert!(db::open_existing(&legacy).await.unwrap().is_none());
    assert!(setting(&database, db::legacy::CARRIED).await.is_some());
    database.close();
    db::delete(&name).await.unwrap();

    // This deployment probed before anything was carried over (a copy that failed, and the
    // page went on): the legacy history does not replace its own.
    let database = db::open(&name).await.unwrap();
    let mine = ndjson("mine", &probes()[..5]);
    transfer::import(&database, &mine, BadLines::Refuse, NOW, &no_rules)
        .await
        .unwrap();
    database.close();
    let (old, _) = with_demo_history_named(&legacy).await;
    old.close();
    let (database, undone) = db::open_carrying_over(&name, &legacy, &no_rules)
        .await
        .unwrap();
    let failed = undone.carry_over;
    assert_eq!(failed, None);
    assert_eq!(transfer::probes_text(&database).await.unwrap(), mine);
    assert!(setting(&database, db::legacy::CARRIED).await.is_some());
    database.close();
    db::delete(&name).await.unwrap();
    db::delete(&legacy).await.unwrap();
}

/// `name`, created holding `probes()` of server "demo", imported.
async fn with_demo_history_named(name: &str) -> (Database, Vec<ProbeRecord>) {
    let database = db::open(name).await.unwrap();
    let probes = probes();
    transfer::import(
        &database,
        &ndjson("demo", &probes),
        BadLines::Refuse,
        NOW,
        &no_rules,
    )
    .await
    .unwrap();
    (database, probes)
}

#[wasm_bindgen_test]
async fn a_legacy_database_that_cannot_be_read_is_tried_again_until_there_is_history_of_its_own() {
    let (legacy, name) = legacy_and_namespaced("carry-newer");
    // A newer version's database (a site at the root running newer code): not ours to open.
    db::open_at(&legacy, schema::VERSION + 1)
        .await
        .unwrap()
        .close();
    let (database, undone) = db::open_carrying_over(&name, &legacy, &no_rules)
        .await
        .unwrap();
    let failed = undone.carry_over;
    assert!(failed.is_some());
    assert_eq!(setting(&database, db::legacy::CARRIED).await, None);
    // The page goes on: its own probes are kept, and then nothing is left to carry over.
    let mine = ndjson("mine", &probes()[..5]);
    transfer::import(&database, &mine, BadLines::Refuse, NOW, &no_rules)
        .await
        .unwrap();
    database.close();
    let (database, undone) = db::open_carrying_over(&name, &legacy, &no_rules)
        .await
        .unwrap();
    let failed = undone.carry_over;
    assert!(failed.is_some(), "said once more");
    assert!(setting(&database, db::legacy::CARRIED).await.is_some());
    database.close();
    let (database, undone) = db::open_carrying_over(&name, &legacy, &no_rules)
        .await
        .unwrap();
    let failed = undone.carry_over;
    assert_eq!(failed, None);
    assert_eq!(transfer::probes_text(&database).await.unwrap(), mine);
    database.close();
    db::delete(&name).await.unwrap();
    db::delete(&legacy).await.unwrap();
}
