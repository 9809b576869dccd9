//! How every command that needs a database finds it, and the server's configuration, from
//! flags or `ONBOARD_*` environment variables.

use crate::Failure;
use clap::Args;
use onboard_core::schedule::{ClosedDates, LaunchDeadline, ScheduleConfig};
use onboard_store::postgres::PgStore;
use onboard_store::sqlite::{SqliteOptions, SqliteStore, Synchronous};
use onboard_store::Store;
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
