//! # onboard-fuzz
//!
//! The bodies of the fuzz targets of `onboard-core`, one public function per target taking
//! the fuzzer's bytes. Each asserts invariants (it panics when one breaks), not only that
//! nothing panics.
//!
//! The same functions serve two drivers:
//! - the libFuzzer binaries in `fuzz_targets/` (feature `libfuzzer`, built by `cargo fuzz`
//!   through `fuzz/run`);
//! - the `replay` integration test, which feeds every file of `corpus/<target>/` and
//!   `regressions/<target>/` to its target on the stable toolchain, as part of
//!   `cargo test --workspace`.
//!
//! | target | what it checks |
//! | --- | --- |
//! | [`payload_credential`] ... [`payload_launch`] | step JSON -> `validate` / `check_draft` / normalization |
//! | [`payload_attempt`] | test attempt JSON -> `validate_attempt` |
//! | [`fields`] | every parser of `fields`, `mask_citizen_ids` |
//! | [`account`] | username, password policy, first login, login throttling |
//! | [`schedule`] | the Tuesday release train, closed dates, launch deadlines |
//! | [`upload`] | content sniffing, image dimensions, display names |
//! | [`workflow`] | arbitrary command sequences against the SPEC §4 invariants |

mod account;
mod fields;
mod fixtures;
mod payload;
mod schedule;
mod upload;
mod workflow;

pub use account::account;
pub use fields::fields;
pub use payload::{
    payload_attempt, payload_credential, payload_launch, payload_platform_request,
    payload_preprod_setup, payload_uat_setup,
};
pub use schedule::schedule;
pub use upload::upload;
pub use workflow::workflow;

/// The body of a fuzz target: panics when an invariant breaks.
pub type Target = fn(&[u8]);

/// Every target by name, as `fuzz/run` and the replay test know them.
pub const TARGETS: [(&str, Target); 11] = [
    ("payload_credential", payload_credential),
    ("payload_uat_setup", payload_uat_setup),
    ("payload_platform_request", payload_platform_request),
    ("payload_preprod_setup", payload_preprod_setup),
    ("payload_launch", payload_launch),
    ("payload_attempt", payload_attempt),
    ("fields", fields),
    ("account", account),
    ("schedule", schedule),
    ("upload", upload),
    ("workflow", workflow),
];
