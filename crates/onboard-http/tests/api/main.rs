//! The JSON API over HTTP against a real server, as one test binary (one link instead of
//! one per file): each module one concern. `security_logs` stays a binary of its own, as it
//! installs the process's global log subscriber; `browser` drives Chromium.
#![allow(clippy::unwrap_used, clippy::expect_used)]

#[path = "../common/mod.rs"]
mod common;

mod accounts;
mod authz;
mod bad_input;
mod calendar;
mod metrics;
mod openapi;
mod security;
mod snapshots;
mod templates;
mod walk;
