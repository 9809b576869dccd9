//! Enumerated answers of the forms (radio buttons and check boxes of the manual), each with
//! its JSON name and the Thai and English label the form shows.

//!
//! They are declared with `reference::named_enum!`, like the reference enums.

/// What the shared checks need of an enumerated answer.
pub(crate) trait Choice: Sized + Copy + Eq + 'static {
    fn from_name(name: &str) -> Option<Self>;
    fn all() -> &'static [Self];
    /// The JSON name.
    fn name(self) -> &'static str;
    /// The Thai and English labels the form shows.
    fn label(self) -> (&'static str, &'static str);
}
