//! `onboard eservice list|show`: the operator's view of e-Services, with staff scope
//! (everything, like a reviewer in the API).

use crate::operator::{
    lifecycle_arg, open_existing, or_dash, rejected, status_arg, step_arg, step_label, table,
    thai_day,
};
use crate::wiring::DbArgs;
use crate::{Failure, Outcome};
use chrono::{NaiveDate, Utc};
use clap::{Args, Subcommand};
use onboard_core::id::{AgencyId, EServiceId};
use onboard_core::privacy::redact;
use onboard_core::reference::{Step, StepStatus};
use onboard_core::schedule::{thai_date, today_in_bangkok};
use onboard_core::workflow::{AttemptStatus, EService, Lifecycle};
use onboard_store::{Agency, ListQuery, Scope, Store};
use serde_json::{json, Value};

/// `onboard eservice ...`.
#[derive(Debug, Subcommand)]
pub enum EserviceCommand {
    /// List e-Services, newest change first (the filters of GET /api/v1/eservices).
    List(ListArgs),
    /// Show one e-Service and its seven steps.
    Show {
        /// The e-Service id.
        id: EServiceId,
        #[command(flatten)]
        db: DbArgs,
        /// Print the e-Service as JSON (citizen IDs masked, no consumer secrets).
        #[arg(long)]
        json: bool,
    },
}

/// Filters and paging of `eservice list`.
#[derive(Debug, Args)]
pub struct ListArgs {
    /// Contained (case-insensitive, Thai too) in the e-Service name, any of its services, or
    /// its agency's Thai or English name.
    #[arg(long)]
    pub q: Option<String>,
    /// Current step: 1-7 or its slug.
    #[arg(long, value_parser = step_arg)]
    pub step: Option<Step>,
    /// Status of the current step: locked, in_progress, under_review, changes_requested,
    /// completed.
    #[arg(long, value_parser = status_arg)]
    pub status: Option<StepStatus>,
    /// Agency id.
    #[arg(long)]
    pub agency: Option<AgencyId>,
    /// onboarding, scheduled or live (today in Asia/Bangkok).
    #[arg(long, value_parser = lifecycle_arg)]
    pub lifecycle: Option<Lifecycle>,
    /// Page, from 1.
    #[arg(long, default_value_t = 1, value_parser = clap::value_parser!(u32).range(1..))]
    pub page: u32,
    /// Rows per page, 1 to 100.
    #[arg(long, default_value_t = 20, value_parser = clap::value_parser!(u32).range(1..=100))]
    pub per_page: u32,
    #[command(flatten)]
    pub db: DbArgs,
    /// Print {items, total, page, per_page} as JSON (the API's list answer).
    #[arg(long)]
    pub json: bool,
}

/// Runs an e-Service command.
pub async fn run(command: EserviceCommand) -> Result<Outcome, Failure> {
    let today = today_in_bangkok(Utc::now());
    match command {
        EserviceCommand::List(args) => list(args, today).await,
        EserviceCommand::Show { id, db, json } => {
            let store = open_existing(&db).await?;
            show(store.as_ref(), id, today, json).await
        }
    }
}

async fn list(args: ListArgs, today: NaiveDate) -> Result<Outcome, Failure> {
    let store = open_existing(&args.db).await?;
    let query = ListQuery {
        q: args.q.filter(|q| !q.trim().is_empty()),
        step: args.step,
        status: args.status,
        agency_id: args.agency,
        lifecycle: args.lifecycle,
        page: args.page,
        per_page: args.per_page,
        skip_total: false,
    };
    let page = store
        .list(&query, Scope::All, today)
        .await
        .map_err(Failure::Store)?;
    if args.json {
        return Ok(Outcome::json(json!(page), true));
    }
    let rows: Vec<Vec<String>> = page
        .items
        .iter()
        .map(|i| {
            vec![
                i.id.to_string(),
                i.name.clone(),
                i.agency_name_th.clone(),
                step_label(i.current_step),
                i.current_status.title_th().to_owned(),
                or_dash(i.launch_on.map(thai_date)),
            ]
        })
        .collect();
    let mut text = table(&["id", "name", "agency", "step", "status", "launch"], &rows);
    let first = u64::from(page.page - 1) * u64::from(page.per_page);
    text.push_str(&if page.items.is_empty() {
        format!(
            "no e-Services on page {} ({} in all)\n",
            page.page, page.total
        )
    } else {
        format!(
            "{}-{} of {}{} e-Services\n",
            first + 1,
            first + page.items.len() as u64,
            if page.total_capped { "more than " } else { "" },
            page.total
        )
    });
    Ok(Outcome {
        stdout: text,
        stderr: String::new(),
        success: true,
    })
}

/// `eservice show`: also used by `review` to print the result.
pub async fn show(
    store: &dyn Store,
    id: EServiceId,
    today: NaiveDate,
    as_json: bool,
) -> Result<Outcome, Failure> {
    let Some(svc) = store
        .eservice(id, Scope::All)
        .await
        .map_err(Failure::Store)?
    else {
        return Ok(rejected(
            "not_found",
            &format!("no e-Service {id}"),
            as_json,
        ));
    };
    let agency = store
        .agency(svc.agency_id())
        .await
        .map_err(Failure::Store)?;
    Ok(if as_json {
        Outcome::json(detail_json(&svc, agency.as_ref(), today), true)
    } else {
        Outcome {
            stdout: detail_text(&svc, agency.as_ref(), today),
            stderr: String::new(),
            success: true,
        }
    })
}

/// The e-Service state as JSON for operators: citizen IDs masked (SPEC §13), consumer
/// secrets removed, plus the agency's names and the derived current step and lifecycle.
pub fn detail_json(svc: &EService, agency: Option<&Agency>, today: NaiveDate) -> Value {
    // The state is stored as this same JSON; a null would print an empty e-Service.
    #[allow(clippy::expect_used)]
    let mut doc = serde_json::to_value(svc).expect("an e-Service serializes to JSON");
    redact(&mut doc);
    if let Some(obj) = doc.as_object_mut() {
        obj.insert(
            "agency_name_th".into(),
            json!(agency.map(|a| a.name_th.as_str())),
        );
        obj.insert(
            "ministry_th".into(),
            json!(agency.map(|a| a.ministry_th.as_str())),
        );
        obj.insert("current_step".into(), json!(svc.current_step()));
        obj.insert("current_status".into(), json!(svc.current_status()));
        obj.insert("lifecycle".into(), json!(svc.lifecycle(today)));
    }
    doc
}

/// The e-Service as a readable page: header, the seven steps with Thai labels and
/// Buddhist-era dates, review notes, test attempts and credentials (app ids only).
pub fn detail_text(svc: &EService, agency: Option<&Agency>, today: NaiveDate) -> String {
    let mut out = format!("{}\n", svc.name());
    let field = |out: &mut String, name: &str, value: String| {
        out.push_str(&format!("{:<11}{value}\n", format!("{name}:")));
    };
    field(&mut out, "id", svc.id().to_string());
    field(
        &mut out,
        "agency",
        match agency {
            Some(a) => format!("{} ({})", a.name_th, a.ministry_th),
            None => svc.agency_id().to_string(),
        },
    );
    field(&mut out, "services", svc.services().join(", "));
    field(&mut out, "category", svc.category().title_th().to_owned());
    field(&mut out, "version", svc.version().to_string());
    field(
        &mut out,
        "lifecycle",
        svc.lifecycle(today).as_str().to_owned(),
    );
    field(&mut out, "launch", or_dash(svc.launch_on().map(thai_date)));
    field(
        &mut out,
        "current",
        format!(
            "{} ({})",
            step_label(svc.current_step()),
            svc.current_status().title_th()
        ),
    );
    out.push('\n');

    let rows: Vec<Vec<String>> = svc
        .steps()
        .iter()
        .map(|s| {
            vec![
                s.step.number().to_string(),
                s.step.title_th().to_owned(),
                s.status.title_th().to_owned(),
                or_dash(s.submitted_at.map(thai_day)),
                or_dash(s.reviewed_at.map(thai_day)),
            ]
        })
        .collect();
    out.push_str(&table(
        &["#", "step", "status", "submitted", "reviewed"],
        &rows,
    ));

    let notes: Vec<String> = svc
        .steps()
        .iter()
        .filter_map(|s| {
            s.review_note
                .as_ref()
                .map(|n| format!("  step {}: {n}\n", s.step.number()))
        })
        .collect();
    if !notes.is_empty() {
        out.push_str("\nreview notes:\n");
        out.extend(notes);
    }

    let attempts: Vec<String> = svc
        .steps()
        .iter()
        .flat_map(|s| {
            s.attempts.iter().map(move |a| {
                let status = match a.status {
                    AttemptStatus::Pending => "รอตรวจสอบ (pending)",
                    AttemptStatus::Passed => "ผ่าน (passed)",
                    AttemptStatus::Failed => "ไม่ผ่าน (failed)",
                };
                format!(
                    "  step {} attempt {}, {}: {status}: {}\n",
                    s.step.number(),
                    a.number,
                    thai_day(a.added_at),
                    a.details
                )
            })
        })
        .collect();
    if !attempts.is_empty() {
        out.push_str("\ntest attempts:\n");
        out.extend(attempts);
    }

    out.push_str("\ncredentials:\n");
    for (env, set) in [
        ("UAT", &svc.credentials().uat),
        ("Production", &svc.credentials().production),
    ] {
        out.push_str(&match set {
            Some(c) => format!(
                "  {env:<11}app id {}, issued {}\n",
                c.app_id,
                thai_day(c.issued_at)
            ),
            None => format!("  {env:<11}-\n"),
        });
    }
    out
}
