//! `onboard backup --to FILE`: a consistent copy of the live SQLite database (SQLite's online
//! backup: one read snapshot, while the server goes on writing). PostgreSQL has its own
//! tool for this, pg_dump.

use crate::operator::open_existing;
use crate::progress;
use crate::wiring::{Backend, DbArgs};
use crate::{Failure, Outcome};
use chrono::Utc;
use clap::Args;
use onboard_core::schedule::today_in_bangkok;
use onboard_store::sqlite::{SqliteOptions, SqliteStore};
use onboard_store::{ListQuery, Scope, Store, StoreError};
use serde_json::json;
use std::path::{Path, PathBuf};

/// What to say for PostgreSQL.
const USE_PG_DUMP: &str = "backup copies the embedded SQLite database; for PostgreSQL use pg_dump, e.g. `pg_dump --format=custom --file=onboard.dump \"$ONBOARD_DATABASE_URL\"` (restore with pg_restore)";

/// Options of `onboard backup`.
#[derive(Debug, Args)]
pub struct BackupArgs {
    /// The file to write the copy to (an SQLite database; open it with
    /// `--database-url sqlite://FILE`).
    #[arg(long, value_name = "FILE")]
    pub to: PathBuf,
    /// Replace FILE if it exists.
    #[arg(long)]
    pub force: bool,
    #[command(flatten)]
    pub db: DbArgs,
    /// Print {"from", "to", "bytes", "eservices"} as JSON.
    #[arg(long)]
    pub json: bool,
}

/// Runs `onboard backup`.
pub async fn run(args: BackupArgs) -> Result<Outcome, Failure> {
    let live = match args.db.backend()? {
        Backend::Postgres(_) => return Err(Failure::Input(USE_PG_DUMP.into())),
        Backend::Sqlite(path) => path,
    };
    let to = &args.to;
    if to.is_dir() {
        return Err(Failure::Input(format!(
            "--to {} is a directory; name the backup file",
            to.display()
        )));
    }
    if same_file(to, &live) {
        return Err(Failure::Input(format!(
            "--to {} is the live database",
            to.display()
        )));
    }
    if to.exists() && !args.force {
        return Err(Failure::Input(format!(
            "{} exists; pass --force to replace it",
            to.display()
        )));
    }
    let store = open_existing(&args.db).await?;

    // The copy is made beside the target and renamed into place when complete, so FILE is
    // never a half-written copy, and --force replaces it only with a whole one.
    let dir = match to.parent() {
        Some(d) if !d.as_os_str().is_empty() => d.to_owned(),
        _ => PathBuf::from("."),
    };
    std::fs::create_dir_all(&dir)
        .map_err(|e| Failure::Input(format!("cannot create {}: {e}", dir.display())))?;
    let name = to
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "backup".into());
    let partial = dir.join(format!(".{name}.partial-{}", std::process::id()));
    remove_copy(&partial);

    let spinner = progress::spinner(&format!("backing up {}", live.display()));
    let copied = copy(store.as_ref(), &partial).await;
    spinner.finish_and_clear();
    let eservices = match copied {
        Ok(n) => n,
        Err(e) => {
            remove_copy(&partial);
            return Err(e);
        }
    };
    // A replaced database's side files belong to the old content: never let SQLite apply
    // them to the new one.
    remove_side_files(to);
    std::fs::rename(&partial, to).map_err(|e| {
        remove_copy(&partial);
        Failure::Input(format!("cannot write {}: {e}", to.display()))
    })?;
    let bytes = std::fs::metadata(to).map(|m| m.len()).unwrap_or(0);
    Ok(if args.json {
        Outcome::json(
            json!({
                "from": live.display().to_string(),
                "to": to.display().to_string(),
                "bytes": bytes,
                "eservices": eservices,
            }),
            true,
        )
    } else {
        Outcome::text(
            format!(
                "backed up {} to {} ({bytes} bytes, {eservices} e-Services)",
                live.display(),
                to.display()
            ),
            true,
        )
    })
}

/// Backs up into `path` and opens the copy to count its e-Services (a copy that cannot be
/// read is no backup).
async fn copy(store: &dyn Store, path: &Path) -> Result<u64, Failure> {
    store.backup(path).await.map_err(|e| match e {
        StoreError::Unsupported(_) => Failure::Input(USE_PG_DUMP.into()),
        e => Failure::Store(e),
    })?;
    let copy = SqliteStore::open(path, SqliteOptions::default()).map_err(Failure::Store)?;
    let query = ListQuery {
        page: 1,
        per_page: 1,
        ..ListQuery::default()
    };
    let page = copy
        .list(&query, Scope::All, today_in_bangkok(Utc::now()))
        .await
        .map_err(|e| Failure::Input(format!("the copy cannot be read: {e}")))?;
    Ok(page.total)
}

/// Whether `a` and `b` name the same existing file.
fn same_file(a: &Path, b: &Path) -> bool {
    match (a.canonicalize(), b.canonicalize()) {
        (Ok(a), Ok(b)) => a == b,
        _ => false,
    }
}

/// Removes a partial copy and SQLite's side files.
fn remove_copy(path: &Path) {
    let _ = std::fs::remove_file(path);
    remove_side_files(path);
}

/// Removes SQLite's side files of the database at `path` (write-ahead log, shared memory,
/// rollback journal).
fn remove_side_files(path: &Path) {
    for suffix in ["-wal", "-shm", "-journal"] {
        let mut p = path.as_os_str().to_owned();
        p.push(suffix);
        let _ = std::fs::remove_file(PathBuf::from(p));
    }
}
