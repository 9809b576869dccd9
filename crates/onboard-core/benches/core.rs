//! The figures of the core: step-4 validation, one command, folding a full history and
#![allow(clippy::unwrap_used, clippy::expect_used, missing_docs)]
//! computing a release date. Run with `cargo bench -p onboard-core --bench core`.

use chrono::{NaiveDate, TimeZone, Utc};
use criterion::{black_box, criterion_group, criterion_main, Criterion};
use onboard_core::file::OfflineFiles;
use onboard_core::id::{AgencyId, EServiceId, UserId};
use onboard_core::payload::{self, Context};
use onboard_core::reference::Step;
use onboard_core::schedule::{self, ClosedDates, ScheduleConfig};
use onboard_core::testing::walk;
use onboard_core::workflow::{self, Actor, Command, EService, Env, FixedCredentials};
use uuid::Uuid;

fn bench(c: &mut Criterion) {
    let agency = Uuid::from_u128(1);
    let officer = Actor::officer(UserId::from_u128(2), AgencyId::from(agency));
    let reviewer = Actor::reviewer(UserId::from_u128(3));
    let (files, config, issuer) = (OfflineFiles, ScheduleConfig::default(), FixedCredentials);
    let env = Env {
        now: Utc.with_ymd_and_hms(2026, 11, 25, 3, 0, 0).unwrap(),
        files: &files,
        schedule: &config,
        credentials: &issuer,
        agency: None,
    };
    let today = NaiveDate::from_ymd_opt(2026, 11, 25).unwrap();
    let ctx = Context {
        today,
        launch_deadline: config.launch_deadline.for_request(today),
        files: &files,
    };

    let step4 = onboard_core::samples::json(Step::PlatformRequest);
    c.bench_function("validate full step-4 payload", |b| {
        b.iter(|| payload::validate(Step::PlatformRequest, black_box(&step4), &ctx).expect("valid"))
    });

    // A complete seven-step history.
    let created = workflow::create(
        &officer,
        EServiceId::from_u128(9),
        AgencyId::from(agency),
        "ระบบ",
        &["งาน".into()],
        &env,
    )
    .expect("create");
    let commands = walk::by_the_book(onboard_core::samples::json);
    let (_, log) = walk::run(created, commands, &officer, &reviewer, &env);

    let fresh = EService::from_events(&log[..1]).expect("created");
    let draft = Command::SaveDraft {
        step: Step::Credential,
        payload: serde_json::json!({"short_description": "ระบบแจ้งเตือน"}),
    };
    c.bench_function("apply one command (save_draft)", |b| {
        b.iter(|| {
            workflow::execute(black_box(&fresh), &officer, draft.clone(), None, &env).expect("ok")
        })
    });
    let withdraw = Command::Withdraw {
        step: Step::Credential,
    };
    c.bench_function("reject one command (invalid transition)", |b| {
        b.iter(|| {
            workflow::execute(black_box(&fresh), &officer, withdraw.clone(), None, &env).is_err()
        })
    });
    c.bench_function(
        &format!("fold a complete 7-step history ({} events)", log.len()),
        |b| b.iter(|| EService::from_events(black_box(&log)).expect("fold")),
    );

    let closed: ClosedDates = ["2026-12-15", "2026-12-22", "2026-12-29"]
        .iter()
        .filter_map(|d| d.parse().ok())
        .collect();
    let desired = NaiveDate::from_ymd_opt(2026, 12, 10).unwrap();
    c.bench_function("launch_on with closed dates", |b| {
        b.iter(|| schedule::launch_on(black_box(env.now), black_box(desired), &closed))
    });
}

criterion_group!(benches, bench);
criterion_main!(benches);
