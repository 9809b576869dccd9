//! The commands that need a database: `serve`, `demo`, `migrate`, `agency`, `user`.

use crate::wiring::{CommandMailArgs, DbArgs, MailArgs, ScheduleArgs};
use crate::{demo, Failure, Outcome};
use chrono::Utc;
use clap::{Args, Subcommand};
use onboard_app::{accounts, AppError};
use onboard_core::account::NewAccount;
use onboard_core::id::AgencyId;
use onboard_core::notify::MailConfig;
use onboard_core::reference::Role;
use onboard_core::workflow::AgencyNames;
use onboard_http::{AppState, HttpConfig, UserView};
use onboard_store::password::OsCredentials;
use onboard_store::{NewAgency, Store};
use serde_json::json;
use std::net::SocketAddr;
use std::sync::Arc;

/// Options of `serve` and `demo`.
#[derive(Debug, Clone, Args)]
pub struct ServerArgs {
    /// Address to listen on.
    #[arg(long, env = "ONBOARD_ADDR", default_value = "127.0.0.1:8080")]
    pub addr: SocketAddr,
    #[command(flatten)]
    pub mail: MailArgs,
    #[command(flatten)]
    pub db: DbArgs,
    #[command(flatten)]
    pub schedule: ScheduleArgs,
    /// SMTP server that delivers the outbox e-mails: `smtp://host:25`,
    /// `smtp://host:587?tls=required` (STARTTLS) or `smtps://user:pass@host:465`. Without
    /// it e-mails stay in the outbox (`onboard outbox`).
    #[arg(long, env = "ONBOARD_SMTP_URL", hide_env_values = true)]
    pub smtp_url: Option<String>,
    /// Sender of the e-mails, `addr@host` or `Name <addr@host>`; required with --smtp-url.
    #[arg(long, env = "ONBOARD_MAIL_FROM")]
    pub mail_from: Option<String>,
    /// Serve Prometheus metrics at `GET /metrics` on this address, a listener of its own
    /// (keep it private: `127.0.0.1:9464`). Without it no metrics are kept.
    #[arg(long, env = "ONBOARD_METRICS_ADDR")]
    pub metrics_addr: Option<SocketAddr>,
    /// Keep the `x-request-id` a reverse proxy sends (nginx: `proxy_set_header X-Request-ID
    /// $request_id`) instead of giving each request a new id. Only behind such a proxy.
    #[arg(long, env = "ONBOARD_TRUST_REQUEST_ID")]
    pub trust_request_id: bool,
}

/// How log lines are written.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, clap::ValueEnum)]
pub enum LogFormat {
    /// For people: one line per event with its request's fields.
    #[default]
    Text,
    /// For log collectors: one JSON object per line, the request's fields under `span`.
    Json,
}

/// Logs go to stderr in `format`; `RUST_LOG` filters them (default `info`).
pub fn init_logging(format: LogFormat) {
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"));
    let logs = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr);
    let _ = match format {
        LogFormat::Text => logs
            .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()))
            .try_init(),
        LogFormat::Json => logs
            .json()
            .with_current_span(true)
            .with_span_list(false)
            .try_init(),
    };
}

fn state(args: &ServerArgs, store: Arc<dyn Store>, mail: MailConfig) -> AppState {
    AppState {
        store,
        schedule: Arc::new(args.schedule.config()),
        credentials: Arc::new(OsCredentials),
        clock: Arc::new(Utc::now),
        config: HttpConfig {
            mail: Arc::new(mail),
            trust_request_id: args.trust_request_id,
            ..HttpConfig::default()
        },
        metrics: None,
    }
}

/// `onboard serve`; `store` is given when `demo` already opened it.
pub async fn serve(args: ServerArgs, store: Option<Arc<dyn Store>>) -> Result<Outcome, Failure> {
    let store = match store {
        Some(s) => s,
        None => args.db.open().await?,
    };
    let mailer = smtp_mailer(&args)?;
    // --closed-dates seeds a calendar that has never been changed; the database's dates
    // rule from then on.
    onboard_app::calendar::seed(store.as_ref(), &args.schedule.closed_dates, Utc::now())
        .await
        .map_err(|e| match e {
            onboard_app::AppError::Store(e) => Failure::Store(e),
            other => Failure::Input(other.to_string()),
        })?;
    let listener = tokio::net::TcpListener::bind(args.addr)
        .await
        .map_err(Failure::Server)?;
    let addr = listener.local_addr().map_err(Failure::Server)?;
    // E-mails link to where the server really listens (the port it got for `:0`) unless a
    // public portal URL is configured.
    let mail = args.mail.config(addr)?;
    tracing::info!(%addr, portal = mail.portal_url(), "onboard is serving the portal at http://{addr}/ and the API at http://{addr}/api/v1 (OpenAPI: /openapi.json)");
    let delivery = mailer.map(|m| {
        let config = onboard_mail::WorkerConfig::default();
        onboard_mail::Worker::new(store.clone(), Arc::new(m), config).spawn()
    });
    let mut state = state(&args, store, mail);
    let metrics = match args.metrics_addr {
        Some(at) => {
            state = state.with_metrics(Arc::new(onboard_http::Metrics::new()));
            let listener = tokio::net::TcpListener::bind(at)
                .await
                .map_err(Failure::Server)?;
            let at = listener.local_addr().map_err(Failure::Server)?;
            tracing::info!(%at, "metrics at http://{at}/metrics");
            let scraped = state.clone();
            Some(tokio::spawn(async move {
                if let Err(e) = onboard_http::metrics::serve(listener, scraped).await {
                    tracing::error!(error = %e, "the metrics listener stopped");
                }
            }))
        }
        None => None,
    };
    let served = onboard_http::serve(listener, state, onboard_http::shutdown_signal()).await;
    if let Some(worker) = delivery {
        worker.stop().await;
    }
    if let Some(metrics) = metrics {
        metrics.abort();
    }
    served.map_err(Failure::Server)?;
    Ok(Outcome::text("onboard stopped".into(), true))
}

/// The mailer of the delivery worker that runs beside the server when `--smtp-url` is given.
fn smtp_mailer(args: &ServerArgs) -> Result<Option<onboard_mail::SmtpMailer>, Failure> {
    let Some(url) = args.smtp_url.as_deref().filter(|u| !u.is_empty()) else {
        tracing::info!("no --smtp-url: e-mails stay in the outbox (`onboard outbox`)");
        return Ok(None);
    };
    let from = args
        .mail_from
        .as_deref()
        .filter(|f| !f.is_empty())
        .ok_or_else(|| Failure::Input("--smtp-url needs --mail-from (ONBOARD_MAIL_FROM)".into()))?;
    let mailer =
        onboard_mail::SmtpMailer::from_url(url, from).map_err(|e| Failure::Input(e.to_string()))?;
    tracing::info!(from = %mailer.from_address(), "delivering e-mails through SMTP");
    Ok(Some(mailer))
}

/// `onboard demo`.
pub async fn demo(args: ServerArgs, seed_only: bool, as_json: bool) -> Result<Outcome, Failure> {
    // Checked before seeding, so that a bad URL or signature changes nothing.
    let mail = args.mail.config(args.addr)?;
    let store = args.db.open().await?;
    // A bar on a terminal (stderr), nothing otherwise.
    let bar = crate::progress::bar(demo::SEED_STEPS, "seeding");
    let progress = |what: &str| {
        bar.set_message(what.to_owned());
        bar.inc(1);
    };
    let seeded = demo::seed(store.as_ref(), Utc::now(), &mail, &progress).await;
    bar.finish_and_clear();
    let logins = seeded.map_err(Failure::Store)?;
    let printed = if as_json {
        let doc = json!({"logins": logins, "url": format!("http://{}", args.addr)});
        #[allow(clippy::expect_used)] // a json! value of strings
        let text = serde_json::to_string_pretty(&doc).expect("JSON values serialize");
        text
    } else {
        let mut text = format!(
            "onboard demo: open http://{}/ in a browser (JSON API: http://{}/api/v1)\n\n",
            args.addr, args.addr
        );
        text.push_str(&format!(
            "{:<10} {:<16} {:<12} agency\n",
            "role", "username", "password"
        ));
        for l in &logins {
            let note = if l.first_login_pending {
                " (first login pending)"
            } else {
                ""
            };
            text.push_str(&format!(
                "{:<10} {:<16} {:<12} {}{note}\n",
                l.role.as_str(),
                l.username,
                l.password,
                l.agency.as_deref().unwrap_or("-")
            ));
        }
        text.push_str(
            "\nOr through the API: curl -s -X POST -H 'content-type: application/json' \\\n",
        );
        text.push_str(&format!(
            "  -d '{{\"username\":\"reviewer\",\"password\":\"{}\"}}' http://{}/api/v1/auth/login\n",
            demo::DEMO_PASSWORD,
            args.addr
        ));
        text
    };
    println!("{printed}");
    if seed_only {
        return Ok(Outcome::done());
    }
    serve(args, Some(store)).await
}

/// `onboard migrate`.
pub async fn migrate(db: DbArgs, as_json: bool) -> Result<Outcome, Failure> {
    db.open().await?;
    Ok(if as_json {
        Outcome::json(json!({"migrated": true}), true)
    } else {
        Outcome::text("migrations applied".into(), true)
    })
}

/// `onboard agency ...`.
#[derive(Debug, Subcommand)]
pub enum AgencyCommand {
    /// Create an agency; prints it.
    Create {
        /// Thai name (ชื่อหน่วยงาน).
        #[arg(long)]
        name_th: String,
        /// English name.
        #[arg(long)]
        name_en: String,
        /// Ministry or parent body, Thai (สังกัด/กระทรวง).
        #[arg(long)]
        ministry_th: String,
        /// Ministry or parent body, English.
        #[arg(long)]
        ministry_en: String,
        #[command(flatten)]
        db: DbArgs,
        /// Print the agency as JSON.
        #[arg(long)]
        json: bool,
    },
    /// Correct the four names of an agency; prints it.
    Update {
        /// The agency id.
        id: AgencyId,
        /// Thai name (ชื่อหน่วยงาน).
        #[arg(long)]
        name_th: String,
        /// English name.
        #[arg(long)]
        name_en: String,
        /// Ministry or parent body, Thai (สังกัด/กระทรวง).
        #[arg(long)]
        ministry_th: String,
        /// Ministry or parent body, English.
        #[arg(long)]
        ministry_en: String,
        #[command(flatten)]
        db: DbArgs,
        /// Print the agency as JSON.
        #[arg(long)]
        json: bool,
    },
    /// List agencies.
    List {
        #[command(flatten)]
        db: DbArgs,
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
}

/// Runs an agency command.
pub async fn agency(command: AgencyCommand) -> Result<Outcome, Failure> {
    match command {
        AgencyCommand::Create {
            name_th,
            name_en,
            ministry_th,
            ministry_en,
            db,
            json: as_json,
        } => {
            let names = AgencyNames::parse(&name_th, &name_en, &ministry_th, &ministry_en)
                .map_err(|r| Failure::Input(issues_text(&r.errors)))?;
            let store = db.open().await?;
            let agency = store
                .create_agency(NewAgency {
                    name_th: names.name_th,
                    name_en: names.name_en,
                    ministry_th: names.ministry_th,
                    ministry_en: names.ministry_en,
                })
                .await
                .map_err(Failure::Store)?;
            Ok(if as_json {
                Outcome::json(json!(agency), true)
            } else {
                Outcome::text(
                    format!("{}  {} ({})", agency.id, agency.name_th, agency.ministry_th),
                    true,
                )
            })
        }
        AgencyCommand::Update {
            id,
            name_th,
            name_en,
            ministry_th,
            ministry_en,
            db,
            json,
        } => {
            let names = AgencyNames::parse(&name_th, &name_en, &ministry_th, &ministry_en)
                .map_err(|r| Failure::Input(issues_text(&r.errors)))?;
            crate::users::update_agency(id, &names, &db, json).await
        }
        AgencyCommand::List { db, json: as_json } => {
            let agencies = db.open().await?.agencies().await.map_err(Failure::Store)?;
            Ok(if as_json {
                Outcome::json(json!(agencies), true)
            } else {
                let lines: Vec<String> = agencies
                    .iter()
                    .map(|a| format!("{}  {} ({})", a.id, a.name_th, a.ministry_th))
                    .collect();
                Outcome::text(lines.join("\n"), true)
            })
        }
    }
}

/// `onboard user ...`.
#[derive(Debug, Subcommand)]
pub enum UserCommand {
    /// Create an account; prints the initial username and password (also e-mailed).
    Create {
        /// admin, reviewer or agency.
        #[arg(long)]
        role: Role,
        /// E-mail address.
        #[arg(long)]
        email: String,
        /// Name shown in the portal.
        #[arg(long)]
        display_name: String,
        /// Agency id (agency role only).
        #[arg(long)]
        agency: Option<AgencyId>,
        #[command(flatten)]
        mail: CommandMailArgs,
        #[command(flatten)]
        db: DbArgs,
        /// Print {"user", "initial_username", "initial_password"} as JSON.
        #[arg(long)]
        json: bool,
    },
    /// List accounts by username, disabled ones included (the filters of GET /api/v1/users).
    List(crate::users::ListArgs),
    /// Reset an account's credentials: prints the new initial password (also e-mailed);
    /// the username stays, the first login is due again and every session ends.
    Reset {
        /// The account: its id or username.
        user: String,
        #[command(flatten)]
        mail: CommandMailArgs,
        #[command(flatten)]
        db: DbArgs,
        /// Print {"user", "initial_username", "initial_password"} as JSON.
        #[arg(long)]
        json: bool,
    },
    /// Disable an account: it can no longer log in and every session of it ends (the last
    /// enabled admin is refused).
    Disable {
        /// The account: its id or username.
        user: String,
        #[command(flatten)]
        db: DbArgs,
        /// Print the account as JSON.
        #[arg(long)]
        json: bool,
    },
    /// Enable a disabled account again.
    Enable {
        /// The account: its id or username.
        user: String,
        #[command(flatten)]
        db: DbArgs,
        /// Print the account as JSON.
        #[arg(long)]
        json: bool,
    },
}

/// Runs a user command.
pub async fn user(command: UserCommand) -> Result<Outcome, Failure> {
    match command {
        UserCommand::Create {
            role,
            email,
            display_name,
            agency,
            mail,
            db,
            json: as_json,
        } => {
            let mail = mail.config()?;
            let store = db.open().await?;
            let account =
                NewAccount::parse(&email, &display_name, role.as_str(), agency).map_err(|r| {
                    Failure::Input(format!("invalid account: {}", issues_text(&r.errors)))
                })?;
            let created = accounts::create_account(store.as_ref(), account, &mail, Utc::now())
                .await
                .map_err(|e| match e {
                    AppError::Store(e) => Failure::Store(e),
                    other => Failure::Input(other.to_string()),
                })?;
            Ok(if as_json {
                Outcome::json(
                    json!({"user": UserView::from(&created.user), "initial_username": created.initial_username, "initial_password": created.initial_password}),
                    true,
                )
            } else {
                Outcome::text(
                    format!(
                        "created {} {}\nusername: {}\npassword: {}",
                        created.user.role.as_str(),
                        created.user.id,
                        created.initial_username,
                        created.initial_password
                    ),
                    true,
                )
            })
        }
        UserCommand::List(args) => crate::users::list(args).await,
        UserCommand::Reset {
            user,
            mail,
            db,
            json,
        } => crate::users::reset(&user, &mail.config()?, &db, json).await,
        UserCommand::Disable { user, db, json } => {
            crate::users::set_disabled(&user, true, &db, json).await
        }
        UserCommand::Enable { user, db, json } => {
            crate::users::set_disabled(&user, false, &db, json).await
        }
    }
}

/// Every problem of a report on one line: `field: code (Thai / English)`.
pub(crate) fn issues_text(issues: &[onboard_core::validation::Issue]) -> String {
    issues
        .iter()
        .map(|i| {
            format!(
                "{}: {} ({} / {})",
                i.field, i.code, i.message_th, i.message_en
            )
        })
        .collect::<Vec<_>>()
        .join("; ")
}
