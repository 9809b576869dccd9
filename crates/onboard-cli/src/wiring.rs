//! How every command that needs a database finds it, and the server's configuration, from
//! flags or `ONBOARD_*` environment variables.

use crate::Failure;
use clap::Args;
use onboard_core::notify::MailConfig;
use onboard_core::schedule::{ClosedDates, LaunchDeadline, ScheduleConfig};
use onboard_store::postgres::PgStore;
use onboard_store::sqlite::{SqliteOptions, SqliteStore, Synchronous};
use onboard_store::Store;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;

/// Where the data lives.
#[derive(Debug, Clone, Args)]
pub struct DbArgs {
    /// `postgres://...` for PostgreSQL, or `sqlite://PATH`; default: SQLite in --data-dir.
    #[arg(long, env = "ONBOARD_DATABASE_URL", global = true)]
    pub database_url: Option<String>,
    /// Directory of the embedded SQLite database (onboard.db).
    #[arg(
        long,
        env = "ONBOARD_DATA_DIR",
        default_value = "./onboard-data",
        global = true
    )]
    pub data_dir: PathBuf,
    /// SQLite durability: `full` (an acknowledged change survives power loss) or `normal`.
    #[arg(
        long,
        env = "ONBOARD_SQLITE_SYNCHRONOUS",
        default_value = "full",
        global = true
    )]
    pub sqlite_synchronous: SyncArg,
}

/// `--sqlite-synchronous`.
#[derive(Debug, Clone, Copy, clap::ValueEnum)]
pub enum SyncArg {
    /// synchronous=FULL.
    Full,
    /// synchronous=NORMAL.
    Normal,
}

/// Which backend a database URL names.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Backend {
    /// An SQLite file.
    Sqlite(PathBuf),
    /// A PostgreSQL URL.
    Postgres(String),
}

impl DbArgs {
    /// The backend these arguments select.
    pub fn backend(&self) -> Result<Backend, Failure> {
        match self.database_url.as_deref() {
            None => Ok(Backend::Sqlite(self.data_dir.join("onboard.db"))),
            Some(url) if url.starts_with("postgres://") || url.starts_with("postgresql://") => {
                Ok(Backend::Postgres(url.to_owned()))
            }
            Some(url) => match url.strip_prefix("sqlite://") {
                Some(path) if !path.is_empty() => Ok(Backend::Sqlite(PathBuf::from(path))),
                _ => Err(Failure::Input(format!(
                    "--database-url must start with postgres:// or sqlite://, got `{}`",
                    url.split(':').next().unwrap_or_default()
                ))),
            },
        }
    }

    /// Opens (creating on first use) and migrates the store.
    pub async fn open(&self) -> Result<Arc<dyn Store>, Failure> {
        let store: Arc<dyn Store> = match self.backend()? {
            Backend::Sqlite(path) => {
                let options = SqliteOptions {
                    synchronous: match self.sqlite_synchronous {
                        SyncArg::Full => Synchronous::Full,
                        SyncArg::Normal => Synchronous::Normal,
                    },
                    ..SqliteOptions::default()
                };
                Arc::new(SqliteStore::open(&path, options).map_err(Failure::Store)?)
            }
            Backend::Postgres(url) => {
                Arc::new(PgStore::connect(&url).await.map_err(Failure::Store)?)
            }
        };
        store.migrate().await.map_err(Failure::Store)?;
        Ok(store)
    }
}

/// The release calendar's configuration.
#[derive(Debug, Clone, Args)]
pub struct ScheduleArgs {
    /// Closed dates (public holidays, freezes) on which no release goes out, comma-separated.
    #[arg(long, env = "ONBOARD_CLOSED_DATES", default_value = "")]
    pub closed_dates: ClosedDates,
    /// Latest planned launch date of step 1: `fiscal_year_end` or a date.
    #[arg(
        long,
        env = "ONBOARD_LAUNCH_DEADLINE",
        default_value = "fiscal_year_end"
    )]
    pub launch_deadline: LaunchDeadline,
}

impl ScheduleArgs {
    /// The configuration value the server passes around.
    pub fn config(&self) -> ScheduleConfig {
        ScheduleConfig {
            closed: self.closed_dates.clone(),
            launch_deadline: self.launch_deadline,
        }
    }
}

/// What the e-mails link to and how they are signed (SPEC §8).
#[derive(Debug, Clone, Args)]
pub struct MailArgs {
    /// Public URL of the portal that e-mails link to (`{URL}/eservices/{id}`, and `{URL}/`
    /// to log in); default: `http://ADDR` with the address the server listens on.
    #[arg(long, env = "ONBOARD_PORTAL_URL")]
    pub portal_url: Option<String>,
    /// Signature under every e-mail (DGA's contact channels); `\n` starts a new line.
    /// Default: DGA and its contact center, in Thai and English.
    #[arg(long, env = "ONBOARD_MAIL_SIGNATURE")]
    pub mail_signature: Option<String>,
}

impl MailArgs {
    /// The e-mail settings of a server listening on `listening` (the address it is bound
    /// to: with `--addr 127.0.0.1:0`, the port it got).
    pub fn config(&self, listening: SocketAddr) -> Result<MailConfig, Failure> {
        let portal = match self.portal_url.as_deref() {
            Some(url) => MailConfig::new(url, onboard_core::notify::DEFAULT_SIGNATURE),
            None => {
                if listening.ip().is_unspecified() {
                    tracing::warn!(%listening, "e-mails link to an unspecified address; set --portal-url (ONBOARD_PORTAL_URL) to the portal's public URL");
                }
                Ok(MailConfig::listening_on(listening))
            }
        };
        let mail = match self.mail_signature.as_deref() {
            // A line break is hard to put in a flag or an environment file; `\n` is easy.
            Some(sig) => portal.and_then(|m| m.with_signature(&sig.replace("\\n", "\n"))),
            None => portal,
        };
        mail.map_err(|e| Failure::Input(format!("--portal-url / --mail-signature: {e}")))
    }
}

/// The e-mail settings of a command that writes e-mails without serving (`user create`,
/// `review`): like `serve`'s, the portal URL defaults to the address `serve` listens on.
#[derive(Debug, Clone, Args)]
pub struct CommandMailArgs {
    #[command(flatten)]
    pub mail: MailArgs,
    /// The address `onboard serve` listens on, from which the portal URL defaults.
    #[arg(long, env = "ONBOARD_ADDR", default_value = "127.0.0.1:8080")]
    pub addr: SocketAddr,
}

impl CommandMailArgs {
    /// The e-mail settings.
    pub fn config(&self) -> Result<MailConfig, Failure> {
        self.mail.config(self.addr)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::Parser;

    #[derive(Parser)]
    struct Cli {
        #[command(flatten)]
        mail: CommandMailArgs,
    }

    fn config(args: &[&str]) -> Result<MailConfig, Failure> {
        let cli = Cli::try_parse_from(std::iter::once("onboard").chain(args.iter().copied()))
            .map_err(|e| Failure::Input(e.to_string()))?;
        cli.mail.config()
    }

    #[test]
    fn the_portal_url_defaults_to_the_listening_address() {
        let mail = MailArgs {
            portal_url: None,
            mail_signature: None,
        };
        let at = |a: &str| mail.config(a.parse().unwrap()).unwrap();
        assert_eq!(at("127.0.0.1:43117").login_url(), "http://127.0.0.1:43117/");
        assert_eq!(at("10.0.0.7:80").portal_url(), "http://10.0.0.7:80");
        assert_eq!(at("[::1]:8080").portal_url(), "http://[::1]:8080");
        let serve = at("127.0.0.1:9000");
        assert_eq!(serve.signature(), onboard_core::notify::DEFAULT_SIGNATURE);
    }

    #[test]
    fn flags_set_the_portal_url_and_the_signature() {
        let mail = config(&["--addr", "127.0.0.1:9999"]).unwrap();
        assert_eq!(mail.portal_url(), "http://127.0.0.1:9999");
        let mail = config(&[
            "--addr",
            "127.0.0.1:9999",
            "--portal-url",
            "https://onboard.apps.go.th/",
            "--mail-signature",
            "สพร.\\nDGA Contact Center 02 612 6060",
        ])
        .unwrap();
        assert_eq!(mail.portal_url(), "https://onboard.apps.go.th");
        assert_eq!(mail.signature(), "สพร.\nDGA Contact Center 02 612 6060");
        for bad in [
            &["--portal-url", "onboard.apps.go.th"][..],
            &["--mail-signature", " "][..],
        ] {
            assert!(matches!(config(bad), Err(Failure::Input(_))), "{bad:?}");
        }
    }
}
