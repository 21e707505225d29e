//! The two backends behind one schema: SQLite (the embedded default: one file, WAL journal,
//! one writer) and PostgreSQL (production), both through `diesel-async`, with the migrations
//! of `migrations/` embedded in the binary and applied on connect.
//!
//! Queries are written once with diesel's typed DSL and compiled for each backend by
//! [`with_conn!`](crate::with_conn), which dispatches on the connection's kind.

use std::path::PathBuf;

use diesel::sqlite::SqliteConnection;
use diesel::Connection as _;
use diesel_async::async_connection_wrapper::AsyncConnectionWrapper;
use diesel_async::sync_connection_wrapper::SyncConnectionWrapper;
use diesel_async::{AsyncConnection, AsyncPgConnection, RunQueryDsl};
use diesel_migrations::{embed_migrations, EmbeddedMigrations, MigrationHarness};

/// The schema's migrations, one set for both backends.
pub const MIGRATIONS: EmbeddedMigrations = embed_migrations!("migrations");

/// An SQLite connection usable from async code (queries run on a blocking thread).
pub type SqliteConn = SyncConnectionWrapper<SqliteConnection>;

/// Why the database could not be used.
#[derive(Debug, thiserror::Error)]
pub enum DbError {
    /// The `--db` argument is not a database URL this indexer knows.
    #[error(
        "unsupported database URL {0:?}: expected sqlite://PATH or postgres://USER@HOST:PORT/DB"
    )]
    Url(String),
    /// Connecting failed.
    #[error("cannot connect to {url}: {reason}")]
    Connect {
        /// The URL (without its password).
        url: String,
        /// What the driver said.
        reason: String,
    },
    /// Applying the migrations failed.
    #[error("cannot migrate {url}: {reason}")]
    Migrate {
        /// The URL.
        url: String,
        /// What failed.
        reason: String,
    },
    /// A query failed.
    #[error("database: {0}")]
    Query(#[from] diesel::result::Error),
}

/// Where the index lives.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DbUrl {
    /// An SQLite file.
    Sqlite(PathBuf),
    /// A PostgreSQL server (`postgres://…` as `tokio-postgres` reads it).
    Postgres(String),
}

impl std::str::FromStr for DbUrl {
    type Err = DbError;

    fn from_str(s: &str) -> Result<Self, DbError> {
        if let Some(path) = s
            .strip_prefix("sqlite://")
            .or_else(|| s.strip_prefix("sqlite:"))
        {
            if path.is_empty() {
                return Err(DbError::Url(s.into()));
            }
            Ok(DbUrl::Sqlite(PathBuf::from(path)))
        } else if s.starts_with("postgres://") || s.starts_with("postgresql://") {
            Ok(DbUrl::Postgres(s.into()))
        } else {
            Err(DbError::Url(s.into()))
        }
    }
}

impl std::fmt::Display for DbUrl {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            DbUrl::Sqlite(p) => write!(f, "sqlite://{}", p.display()),
            DbUrl::Postgres(u) => f.write_str(&redact(u)),
        }
    }
}

/// The URL with any password replaced by `***`.
fn redact(url: &str) -> String {
    let Some((scheme, rest)) = url.split_once("://") else {
        return url.into();
    };
    match rest.split_once('@') {
        Some((user, host)) if user.contains(':') => {
            let name = user.split(':').next().unwrap_or_default();
            format!("{scheme}://{name}:***@{host}")
        }
        _ => url.into(),
    }
}

/// A connection to the index. (A connection is made once per indexer or API worker, so the
/// size difference between the variants does not matter.)
#[allow(clippy::large_enum_variant)]
pub enum Db {
    /// PostgreSQL.
    Postgres(AsyncPgConnection),
    /// SQLite.
    Sqlite(SqliteConn),
}

/// Runs the same code on either connection kind: `with_conn!(db, c => expr)` evaluates `expr`
/// with `c` bound to the concrete connection (`&mut AsyncPgConnection` or `&mut SqliteConn`),
/// so typed diesel queries compile once per backend.
#[macro_export]
macro_rules! with_conn {
    ($db:expr, $c:ident => $body:expr) => {
        match $db {
            $crate::db::Db::Postgres($c) => $body,
            $crate::db::Db::Sqlite($c) => $body,
        }
    };
}

impl Db {
    /// Connects to `url`, creating the SQLite file if needed and applying pending migrations.
    pub async fn connect(url: &DbUrl) -> Result<Db, DbError> {
        migrate(url).await?;
        let connect_err = |e: diesel::ConnectionError| DbError::Connect {
            url: url.to_string(),
            reason: e.to_string(),
        };
        match url {
            DbUrl::Postgres(u) => Ok(Db::Postgres(
                AsyncPgConnection::establish(u).await.map_err(connect_err)?,
            )),
            DbUrl::Sqlite(path) => {
                let path = path.to_string_lossy().into_owned();
                let mut c = SqliteConn::establish(&path).await.map_err(connect_err)?;
                for pragma in SQLITE_PRAGMAS {
                    diesel::sql_query(*pragma).execute(&mut c).await?;
                }
                Ok(Db::Sqlite(c))
            }
        }
    }

    /// Which backend this is (`"sqlite"` or `"postgres"`).
    pub fn backend(&self) -> &'static str {
        match self {
            Db::Postgres(_) => "postgres",
            Db::Sqlite(_) => "sqlite",
        }
    }
}

/// SQLite settings of every connection: the WAL journal (readers never block the writer),
/// `synchronous = NORMAL` (a committed transaction survives a crash of the process; the
/// indexer can always re-read what a power loss would take), a wait instead of an error when
/// another connection holds the lock.
const SQLITE_PRAGMAS: &[&str] = &[
    "PRAGMA journal_mode = WAL",
    "PRAGMA synchronous = NORMAL",
    "PRAGMA busy_timeout = 10000",
];

/// Applies the pending migrations of [`MIGRATIONS`] to `url`.
pub async fn migrate(url: &DbUrl) -> Result<(), DbError> {
    let url = url.clone();
    let shown = url.to_string();
    let failed = |reason: String| DbError::Migrate {
        url: shown.clone(),
        reason,
    };
    tokio::task::spawn_blocking(move || -> Result<(), String> {
        match &url {
            DbUrl::Sqlite(path) => {
                let mut c = SqliteConnection::establish(&path.to_string_lossy())
                    .map_err(|e| e.to_string())?;
                c.run_pending_migrations(MIGRATIONS)
                    .map_err(|e| e.to_string())?;
            }
            DbUrl::Postgres(u) => {
                let mut c =
                    <AsyncConnectionWrapper<AsyncPgConnection> as diesel::Connection>::establish(u)
                        .map_err(|e| e.to_string())?;
                c.run_pending_migrations(MIGRATIONS)
                    .map_err(|e| e.to_string())?;
            }
        }
        Ok(())
    })
    .await
    .map_err(|e| failed(e.to_string()))?
    .map_err(failed)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_parse_and_hide_passwords() {
        assert_eq!(
            "sqlite:///tmp/x.db".parse::<DbUrl>().ok(),
            Some(DbUrl::Sqlite("/tmp/x.db".into()))
        );
        assert_eq!(
            "sqlite://index.db".parse::<DbUrl>().ok(),
            Some(DbUrl::Sqlite("index.db".into()))
        );
        assert!("mysql://x".parse::<DbUrl>().is_err());
        assert!("sqlite://".parse::<DbUrl>().is_err());
        let pg: DbUrl = "postgres://u:secret@127.0.0.1:5432/db".parse().unwrap();
        assert_eq!(pg.to_string(), "postgres://u:***@127.0.0.1:5432/db");
    }
}
