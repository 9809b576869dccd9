//! PostgreSQL backend (sqlx).
