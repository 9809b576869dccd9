//! A valid filled-in form of every step, in the words of the manual's examples: the data of
//! `onboard demo`, and what tests, benches, fuzzing and examples start from.
//!
//! File ids in them are placeholders (`file-icon-1`, `file-shot-1`, `file-letter-1`,
//! `file-result-1`) that a caller replaces with the ids of its own uploads, or resolves
//! with a [`FileCatalog`](crate::file::FileCatalog) that knows them.

use crate::reference::Step;
use serde_json::Value;

/// The JSON text of `step`'s sample: its form, or for steps 3 and 6 a test attempt.
pub const fn text(step: Step) -> &'static str {
    match step {
        Step::Credential => include_str!("../samples/step1.json"),
        Step::UatSetup => include_str!("../samples/step2.json"),
        Step::PlatformRequest => include_str!("../samples/step4.json"),
        Step::PreprodSetup => include_str!("../samples/step5.json"),
        Step::Launch => include_str!("../samples/step7.json"),
        Step::UatTest | Step::PreprodTest => include_str!("../samples/attempt.json"),
    }
}

/// `step`'s sample as JSON.
#[allow(clippy::expect_used)] // embedded at build time, and parsed by this module's test
pub fn json(step: Step) -> Value {
    serde_json::from_str(text(step)).expect("the samples are JSON")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_sample_is_a_json_object() {
        for step in Step::ALL {
            assert!(json(*step).is_object(), "{step}");
        }
    }
}
