//! libFuzzer entry of [`onboard_fuzz::account`]; the body lives in the library so that the
//! stable replay test runs the same checks.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| onboard_fuzz::account(data));
