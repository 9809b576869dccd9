//! Typed identifiers: one type per kind of record, so an e-Service id cannot be passed where
//! a user id is expected (`mark_notification_read(user, id)` no longer compiles with the two
//! swapped).
//!
//! Each is a UUID underneath and looks like one everywhere outside Rust: `Display`, `Debug`,
//! `FromStr` and serde all use the hyphenated text, so JSON, URLs and stored rows are
//! unchanged. Core never makes one (it has no random source); the store does, and the
//! conversions `From<Uuid>` and `From<Id> for Uuid` are for that edge and for SQL bindings.
//!
//! ```
//! use onboard_core::id::{EServiceId, UserId};
//! use uuid::Uuid;
//!
//! let id: EServiceId = "0191c3a2-7f00-7000-8000-000000000001".parse().unwrap();
//! assert_eq!(id.to_string(), "0191c3a2-7f00-7000-8000-000000000001");
//! assert_eq!(serde_json::to_string(&id).unwrap(), "\"0191c3a2-7f00-7000-8000-000000000001\"");
//! let user = UserId::from(Uuid::from_u128(7));
//! assert_eq!(Uuid::from(user), Uuid::from_u128(7));
//! ```
//!
//! One kind of id is not another:
//!
//! ```compile_fail
//! use onboard_core::id::{EServiceId, UserId};
//! fn notify(_user: UserId) {}
//! notify(EServiceId::from_u128(1));
//! ```

use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;
use uuid::Uuid;

macro_rules! ids {
    ($($(#[$doc:meta])* $name:ident;)+) => {$(
        $(#[$doc])*
        #[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        #[serde(transparent)]
        pub struct $name(Uuid);

        impl $name {
            /// The id whose UUID has this 128-bit value (for fixtures and examples).
            pub const fn from_u128(v: u128) -> Self {
                Self(Uuid::from_u128(v))
            }

            /// The UUID underneath.
            pub const fn uuid(self) -> Uuid {
                self.0
            }
        }

        impl From<Uuid> for $name {
            fn from(id: Uuid) -> Self {
                Self(id)
            }
        }

        impl From<$name> for Uuid {
            fn from(id: $name) -> Uuid {
                id.0
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                fmt::Display::fmt(&self.0, f)
            }
        }

        /// The UUID alone, as before ids were typed, so debug output and its snapshots
        /// read the same.
        impl fmt::Debug for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                fmt::Debug::fmt(&self.0, f)
            }
        }

        impl FromStr for $name {
            type Err = uuid::Error;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                Uuid::from_str(s).map(Self)
            }
        }
    )+};
}

ids! {
    /// An agency (หน่วยงาน).
    AgencyId;
    /// A user account.
    UserId;
    /// An e-Service.
    EServiceId;
    /// An uploaded file.
    FileId;
    /// A portal notification.
    NotificationId;
    /// An e-mail in the outbox.
    MessageId;
    /// A downloadable template.
    TemplateId;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_id_reads_and_writes_as_its_uuid() {
        let uuid = Uuid::from_u128(0x0191_c3a2_7f00_7000_8000_0000_0000_0001);
        let id = FileId::from(uuid);
        assert_eq!(id.to_string(), uuid.to_string());
        assert_eq!(format!("{id:?}"), format!("{uuid:?}"));
        assert_eq!(id.to_string().parse::<FileId>().ok(), Some(id));
        assert_eq!(
            serde_json::to_value(id).ok(),
            serde_json::to_value(uuid).ok()
        );
        assert!("not-a-uuid".parse::<FileId>().is_err());
        assert!(serde_json::from_str::<FileId>("\"1\"").is_err());
    }
}
