//! Programs that embed the onboard crates; see the `[[example]]` entries.
