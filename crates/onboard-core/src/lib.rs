//! # onboard-core
//!
//! The pure domain of **onboard**: an agency's e-Service moving through the seven onboarding
//! steps of Thailand's central government platform ("ทางรัฐ"), from credential request to the
//! Tuesday release. No I/O, no async, no clock and no random source: time, identifiers and
//! credentials are passed in, so every rule here is deterministic and testable.
//!
//! | module | what it holds |
//! | --- | --- |
//! | [`reference`](mod@reference) | steps, statuses, categories, roles with Thai and English labels |
//! | [`validation`] | the answer of a validation: field paths, codes, Thai/English messages |
//! | [`id`] | typed identifiers (`EServiceId`, `UserId`, `AgencyId`, ...) |
//! | [`fields`] | parsed field types (`CitizenId`, `MobileNumber`, `HttpsUrl`, ...) |
//! | [`account`] | username and password rules of the first login |
//! | [`file`](mod@file) | media types decided from content, upload purposes and limits |
//! | [`payload`] | the forms of the seven steps and their validation |
//! | [`schedule`] | the Tuesday release train, launch deadlines, Thai dates |
//! | [`workflow`] | the state machine: commands, events, `apply`, `fold` |
//! | [`dashboard`] | the dashboard counts as a pure function |
//! | [`privacy`] | masking citizen IDs in what is shown, free text included |
//! | [`template`] | the fields of a downloadable template (titles, step) |
//! | [`notify`] | which events notify whom, in Thai and English, and the e-mail letters |
//! | [`outbox`] | e-mail delivery statuses, when delivery gives up (dead letters), retries |

pub mod account;
pub mod calendar;
pub mod dashboard;
pub mod fields;
pub mod file;
pub mod id;
pub mod notify;
pub mod outbox;
pub mod payload;
pub mod privacy;
pub mod reference;
pub mod samples;
pub mod schedule;
pub mod template;
#[cfg(feature = "testing")]
pub mod testing;
pub mod validation;
pub mod workflow;
