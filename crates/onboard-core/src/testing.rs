//! What tests, fuzz targets, benches and examples share (feature `testing`): real files to
//! upload ([`files`]), the invariants every history of an e-Service keeps
//! ([`invariants`], SPEC §4) and the seven steps by the book ([`walk`]).
//!
//! Test support, not product code: a helper that cannot do its job panics, as a failed
//! test should.
#![allow(clippy::expect_used)]

pub mod files;
pub mod invariants;
pub mod walk;
