//! Enumerated answers of the forms (radio buttons and check boxes of the manual), each with
//! its JSON name and the Thai and English label the form shows.

/// Declares an enumerated answer: serde names, `ALL`, `as_str`, `title_th`, `title_en` and
/// `parse` (the exact JSON name, `None` otherwise).
macro_rules! choice {
    (
        $(#[$meta:meta])*
        $name:ident {
            $( $(#[$vmeta:meta])* $variant:ident = $json:literal, $th:literal, $en:literal; )+
        }
    ) => {
        $(#[$meta])*
        #[derive(
            Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord,
            serde::Serialize, serde::Deserialize,
        )]
        pub enum $name {
            $( $(#[$vmeta])* #[serde(rename = $json)] $variant, )+
        }

        impl $name {
            /// Every value, in the order the form lists them.
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            /// The JSON name.
            pub fn as_str(self) -> &'static str {
                match self { $($name::$variant => $json),+ }
            }

            /// The Thai label, as the manual shows it.
            pub fn title_th(self) -> &'static str {
                match self { $($name::$variant => $th),+ }
            }

            /// The English label.
            pub fn title_en(self) -> &'static str {
                match self { $($name::$variant => $en),+ }
            }

            /// The value whose JSON name is exactly `name`.
            pub fn parse(name: &str) -> Option<Self> {
                match name {
                    $($json => Some($name::$variant),)+
                    _ => None,
                }
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl $crate::payload::choice::Choice for $name {
            fn from_name(name: &str) -> Option<Self> {
                $name::parse(name)
            }
            fn all() -> &'static [Self] {
                $name::ALL
            }
            fn name(self) -> &'static str {
                self.as_str()
            }
            fn label(self) -> (&'static str, &'static str) {
                (self.title_th(), self.title_en())
            }
        }
    };
}

pub(crate) use choice;

/// What the shared checks need of an enumerated answer.
pub(crate) trait Choice: Sized + Copy + Eq + 'static {
    fn from_name(name: &str) -> Option<Self>;
    fn all() -> &'static [Self];
    /// The JSON name.
    fn name(self) -> &'static str;
    /// The Thai and English labels the form shows.
    fn label(self) -> (&'static str, &'static str);
}

impl Choice for crate::reference::Category {
    fn from_name(name: &str) -> Option<Self> {
        name.parse().ok()
    }
    fn all() -> &'static [Self] {
        Self::ALL
    }
    fn name(self) -> &'static str {
        self.as_str()
    }
    fn label(self) -> (&'static str, &'static str) {
        (self.title_th(), self.title_en())
    }
}
