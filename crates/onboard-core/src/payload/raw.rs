//! The raw layer: reading a JSON value into a step's form as the client sent it.
//!
//! A raw form is well-typed but may be incomplete: every member is optional and `null` means
//! absent. A JSON type error or an unknown member is a *malformed* payload (HTTP 400), which
//! is a different thing from a field that is missing or wrong (a validation error, HTTP 422).
//!
//! The forms are read by [`FromJson`] rather than by serde's derive with `deny_unknown_fields`
//! because serde's error for a `Value` does not say *where* the problem is (a client needs
//! `` `testers[1].os`: expected a string, found a number `` to fix its request), and because a
//! derived struct would also accept a JSON array in place of an object.

use crate::validation::Path;
use serde_json::{Map, Value};
use std::fmt;

/// Why a JSON value is not a well-typed raw form: where, and what was wrong there.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Malformed {
    pub(crate) path: Path,
    pub(crate) message: String,
}

impl Malformed {
    /// Where in the payload (empty: the payload itself).
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// What was wrong there, in English (`expected a string, found a number`).
    pub fn message(&self) -> &str {
        &self.message
    }
}

impl std::error::Error for Malformed {}

impl fmt::Display for Malformed {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.path.as_str().is_empty() {
            f.write_str(&self.message)
        } else {
            write!(f, "`{}`: {}", self.path, self.message)
        }
    }
}

/// Reading a raw value out of JSON at a known path.
pub(crate) trait FromJson: Sized {
    fn from_json(value: &Value, path: &Path) -> Result<Self, Malformed>;
}

/// How a JSON value is named in error messages.
fn kind(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

fn wrong_type(value: &Value, path: &Path, expected: &str) -> Malformed {
    Malformed {
        path: path.clone(),
        message: format!("expected {expected}, found {}", kind(value)),
    }
}

impl FromJson for String {
    /// Control characters other than line breaks and tabs are malformed even in a draft, so
    /// that no backend stores what another would refuse.
    fn from_json(value: &Value, path: &Path) -> Result<Self, Malformed> {
        match value {
            Value::String(s) => match s
                .chars()
                .find(|c| crate::fields::is_forbidden_control(*c, true))
            {
                Some(c) => Err(Malformed {
                    path: path.clone(),
                    message: format!(
                        "control character U+{:04X} is not allowed in text",
                        u32::from(c)
                    ),
                }),
                None => Ok(s.clone()),
            },
            other => Err(wrong_type(other, path, "a string")),
        }
    }
}

impl FromJson for bool {
    fn from_json(value: &Value, path: &Path) -> Result<Self, Malformed> {
        match value {
            Value::Bool(b) => Ok(*b),
            other => Err(wrong_type(other, path, "a boolean")),
        }
    }
}

impl<T: FromJson> FromJson for Vec<T> {
    fn from_json(value: &Value, path: &Path) -> Result<Self, Malformed> {
        match value {
            Value::Array(items) => items
                .iter()
                .enumerate()
                .map(|(i, item)| T::from_json(item, &path.index(i)))
                .collect(),
            other => Err(wrong_type(other, path, "an array")),
        }
    }
}

/// The members of an object, after checking that every key is one of `known`.
pub(crate) fn object_with<'v>(
    value: &'v Value,
    path: &Path,
    known: &[&str],
) -> Result<&'v Map<String, Value>, Malformed> {
    let object = match value {
        Value::Object(object) => object,
        other => return Err(wrong_type(other, path, "an object")),
    };
    if let Some(key) = object.keys().find(|k| !known.contains(&k.as_str())) {
        return Err(Malformed {
            path: path.key(key),
            message: format!("unknown field, expected one of: {}", known.join(", ")),
        });
    }
    Ok(object)
}

/// An optional member: absent and `null` are both `None`.
pub(crate) fn member<T: FromJson>(
    object: &Map<String, Value>,
    name: &str,
    path: &Path,
) -> Result<Option<T>, Malformed> {
    match object.get(name) {
        None | Some(Value::Null) => Ok(None),
        Some(value) => T::from_json(value, &path.key(name)).map(Some),
    }
}

/// Declares a raw form: a struct whose members are all `Option`, read by [`FromJson`] with
/// unknown members rejected. `name as "json"` renames a member (`type` is a keyword).
macro_rules! raw_form {
    (
        $(#[$meta:meta])*
        struct $name:ident {
            $( $field:ident $(as $json:literal)? : $ty:ty ),* $(,)?
        }
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Default, PartialEq)]
        pub(crate) struct $name {
            $( pub(crate) $field: Option<$ty>, )*
        }

        impl $crate::payload::raw::FromJson for $name {
            fn from_json(
                value: &serde_json::Value,
                path: &$crate::validation::Path,
            ) -> Result<Self, $crate::payload::raw::Malformed> {
                const KNOWN: &[&str] = &[$( raw_form!(@json $field $($json)?) ),*];
                let object = $crate::payload::raw::object_with(value, path, KNOWN)?;
                Ok($name {
                    $( $field: $crate::payload::raw::member(
                        object,
                        raw_form!(@json $field $($json)?),
                        path,
                    )?, )*
                })
            }
        }
    };
    (@json $field:ident $json:literal) => { $json };
    (@json $field:ident) => { stringify!($field) };
}

pub(crate) use raw_form;

/// Reads the raw form `T` from a whole payload.
pub(crate) fn read<T: FromJson>(value: &Value) -> Result<T, Malformed> {
    T::from_json(value, &Path::root())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    raw_form! {
        /// A test form.
        struct RawThing {
            name: String,
            kind as "type": String,
            flags: Vec<String>,
            inner: RawInner,
            inners: Vec<RawInner>,
        }
    }

    raw_form! {
        /// Nested.
        struct RawInner {
            on: bool,
        }
    }

    #[test]
    fn null_and_absent_are_none() {
        let t: RawThing = read(&json!({"name": null})).unwrap();
        assert_eq!(t, RawThing::default());
    }

    #[test]
    fn renamed_members_are_read() {
        let t: RawThing = read(&json!({"type": "x"})).unwrap();
        assert_eq!(t.kind.as_deref(), Some("x"));
        assert!(read::<RawThing>(&json!({"kind": "x"})).is_err());
    }

    #[test]
    fn errors_say_where() {
        let e = read::<RawThing>(&json!({"inners": [{"on": true}, {"on": 1}]})).unwrap_err();
        assert_eq!(
            e.to_string(),
            "`inners[1].on`: expected a boolean, found a number"
        );
        let e = read::<RawThing>(&json!({"inner": {"off": true}})).unwrap_err();
        assert_eq!(e.path.as_str(), "inner.off");
        let e = read::<RawThing>(&json!([1])).unwrap_err();
        assert_eq!(e.to_string(), "expected an object, found an array");
        let e = read::<RawThing>(&json!({"flags": ["ok\n\t", "a\u{0}b"]})).unwrap_err();
        assert_eq!(
            e.to_string(),
            "`flags[1]`: control character U+0000 is not allowed in text"
        );
    }
}
