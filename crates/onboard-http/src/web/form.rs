//! Step forms as data. Each form step (1, 2, 4, 5) is one list of [`Field`]s in the manual's
//! order and words (PORTAL.md); from that one list the portal renders the form, reads the
//! posted form into the step's JSON payload (the same JSON the API takes), points each
//! validation problem at its input and writes the check-your-answers summary. So a label,
//! an order or a condition is written once per field.
//!
//! Validation itself is core's: the form only translates. Empty inputs become `null`
//! (absent), a field whose condition is not met is left out (a list of check boxes is
//! empty), so a draft is always
//! well-typed JSON that core accepts as a draft.

use onboard_core::file::FilePurpose;
use serde_json::{Map, Value};
use std::collections::HashMap;

/// What kind of input a field is. The template switches on [`Kind::as_str`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Kind {
    /// A heading that opens a part of the form (`h2`), or a group inside it (`h3`).
    Section,
    /// A sub-heading.
    Group,
    /// A one-line text input (`input_type` says which: text, email, tel, url).
    Text,
    /// A date (`YYYY-MM-DD`, Gregorian).
    Date,
    /// A text area; with a `counter` the live "0/140" counter.
    Area,
    /// A text area of one item per line (callback URLs: "กด Enter เพื่อเพิ่ม"): a JSON array.
    Lines,
    /// A drop-down.
    Select,
    /// Radio buttons of a string value.
    Radio,
    /// Radio buttons of a yes/no answer (`true` / `false`).
    YesNo,
    /// Check boxes: a JSON array of the values ticked.
    Checks,
    /// One tick that accepts several statements (step 4's consents, manual: one `ตกลง`).
    Consent,
    /// One uploaded file: its id.
    File,
    /// Several uploaded files: an array of ids (screenshots).
    Files,
    /// The list of testers (steps 2 and 5).
    Testers,
}

impl Kind {
    pub(super) fn as_str(self) -> &'static str {
        match self {
            Kind::Section => "section",
            Kind::Group => "group",
            Kind::Text => "text",
            Kind::Date => "date",
            Kind::Area => "area",
            Kind::Lines => "lines",
            Kind::Select => "select",
            Kind::Radio => "radio",
            Kind::YesNo => "yesno",
            Kind::Checks => "checks",
            Kind::Consent => "consent",
            Kind::File => "file",
            Kind::Files => "files",
            Kind::Testers => "testers",
        }
    }
}

/// One field of a step form.
#[derive(Debug, Clone)]
pub(super) struct Field {
    pub(super) kind: Kind,
    /// The JSON path of the value (`requester.agency.name_th`); also the input's name and id.
    pub(super) path: String,
    pub(super) label: &'static str,
    pub(super) hint: Option<String>,
    pub(super) placeholder: Option<&'static str>,
    /// Value and Thai label of each choice (select, radio, checks); the statements of a consent.
    pub(super) options: Vec<(&'static str, &'static str)>,
    /// Shown (and sent) only when the value at this path is one of these values.
    pub(super) when: Option<(String, Vec<&'static str>)>,
    /// The manual marks it with `*`.
    pub(super) required: bool,
    /// Live character counter with this limit.
    pub(super) counter: Option<usize>,
    /// `type` of a text input.
    pub(super) input_type: &'static str,
    /// What an upload is for (its types and size limit).
    pub(super) purpose: Option<FilePurpose>,
    /// For a consent: the JSON members under `path` that the one tick sets.
    pub(super) members: Vec<&'static str>,
}

impl Field {
    fn new(kind: Kind, path: impl Into<String>, label: &'static str) -> Field {
        Field {
            kind,
            path: path.into(),
            label,
            hint: None,
            placeholder: None,
            options: Vec::new(),
            when: None,
            required: true,
            counter: None,
            input_type: "text",
            purpose: None,
            members: Vec::new(),
        }
    }

    pub(super) fn section(title: &'static str) -> Field {
        Field::new(Kind::Section, "", title)
    }
    pub(super) fn group(title: &'static str) -> Field {
        Field::new(Kind::Group, "", title)
    }
    pub(super) fn text(path: impl Into<String>, label: &'static str) -> Field {
        Field::new(Kind::Text, path, label)
    }
    pub(super) fn date(path: impl Into<String>, label: &'static str) -> Field {
        Field::new(Kind::Date, path, label)
    }
    pub(super) fn area(path: impl Into<String>, label: &'static str) -> Field {
        Field::new(Kind::Area, path, label)
    }
    pub(super) fn lines(path: impl Into<String>, label: &'static str) -> Field {
        Field::new(Kind::Lines, path, label)
    }
    pub(super) fn select(
        path: impl Into<String>,
        label: &'static str,
        options: Vec<(&'static str, &'static str)>,
    ) -> Field {
        Field::new(Kind::Select, path, label).options(options)
    }
    pub(super) fn radio(
        path: impl Into<String>,
        label: &'static str,
        options: Vec<(&'static str, &'static str)>,
    ) -> Field {
        Field::new(Kind::Radio, path, label).options(options)
    }
    /// A yes/no question answered ต้องการ / ไม่ต้องการ, unless `options` says otherwise.
    pub(super) fn yes_no(path: impl Into<String>, label: &'static str) -> Field {
        Field::new(Kind::YesNo, path, label)
            .options(vec![("true", "ต้องการ"), ("false", "ไม่ต้องการ")])
    }
    pub(super) fn checks(
        path: impl Into<String>,
        label: &'static str,
        options: Vec<(&'static str, &'static str)>,
    ) -> Field {
        Field::new(Kind::Checks, path, label).options(options)
    }
    pub(super) fn consent(
        path: impl Into<String>,
        label: &'static str,
        statements: Vec<(&'static str, &'static str)>,
    ) -> Field {
        let mut f = Field::new(Kind::Consent, path, label);
        f.members = statements.iter().map(|(member, _)| *member).collect();
        f.options(statements)
    }
    pub(super) fn file(
        path: impl Into<String>,
        label: &'static str,
        purpose: FilePurpose,
    ) -> Field {
        let mut f = Field::new(Kind::File, path, label);
        f.purpose = Some(purpose);
        f
    }
    pub(super) fn files(
        path: impl Into<String>,
        label: &'static str,
        purpose: FilePurpose,
    ) -> Field {
        let mut f = Field::new(Kind::Files, path, label);
        f.purpose = Some(purpose);
        f
    }
    pub(super) fn testers(path: impl Into<String>, label: &'static str) -> Field {
        Field::new(Kind::Testers, path, label)
    }

    pub(super) fn hint(mut self, hint: impl Into<String>) -> Field {
        self.hint = Some(hint.into());
        self
    }
    pub(super) fn placeholder(mut self, placeholder: &'static str) -> Field {
        self.placeholder = Some(placeholder);
        self
    }
    pub(super) fn options(mut self, options: Vec<(&'static str, &'static str)>) -> Field {
        self.options = options;
        self
    }
    pub(super) fn when(mut self, path: impl Into<String>, values: &[&'static str]) -> Field {
        self.when = Some((path.into(), values.to_vec()));
        self
    }
    pub(super) fn optional(mut self) -> Field {
        self.required = false;
        self
    }
    pub(super) fn counter(mut self, limit: usize) -> Field {
        self.counter = Some(limit);
        self
    }
    pub(super) fn input_type(mut self, input_type: &'static str) -> Field {
        self.input_type = input_type;
        self
    }

    /// Whether the field holds a value (headings do not).
    pub(super) fn has_value(&self) -> bool {
        !matches!(self.kind, Kind::Section | Kind::Group)
    }
}

/// Labels of a choice enum of core, in its order: `(json name, Thai label)`.
pub(super) fn choices<T: Copy>(
    all: &[T],
    name: impl Fn(T) -> &'static str,
    label: impl Fn(T) -> &'static str,
) -> Vec<(&'static str, &'static str)> {
    all.iter().map(|c| (name(*c), label(*c))).collect()
}

/// The tester card's inputs (manual dialog `เพิ่มผู้ทดสอบ`): member, label, placeholder, type.
pub(super) const TESTER_INPUTS: [(&str, &str, &str, &str); 5] = [
    ("full_name", "ชื่อ-นามสกุล", "นายสมชาย ใจดี", "text"),
    ("organization", "หน่วยงาน", "บริษัท ABC จำกัด", "text"),
    ("email", "อีเมล", "example@email.com", "email"),
    ("phone", "เบอร์โทรศัพท์", "0812345678", "tel"),
    ("citizen_id", "เลขบัตรประชาชน", "1234567890123", "text"),
];

/// The operating systems a tester may use.
pub(super) fn tester_os() -> Vec<(&'static str, &'static str)> {
    use onboard_core::payload::Os;
    choices(Os::ALL, Os::as_str, Os::title_th)
}

// ---------------------------------------------------------------------------------------
// JSON paths

/// The value at a dotted path (`a.b.c`), if present and not null.
pub(super) fn get<'v>(value: &'v Value, path: &str) -> Option<&'v Value> {
    let mut at = value;
    for key in path.split('.') {
        at = at.get(key)?;
    }
    (!at.is_null()).then_some(at)
}

/// Sets the value at a dotted path, making the objects on the way.
fn set(root: &mut Value, path: &str, value: Value) {
    let mut at = root;
    let mut keys = path.split('.').peekable();
    while let Some(key) = keys.next() {
        if !at.is_object() {
            *at = Value::Object(Map::new());
        }
        let Some(object) = at.as_object_mut() else {
            return;
        };
        if keys.peek().is_none() {
            object.insert(key.to_owned(), value);
            return;
        }
        at = object
            .entry(key.to_owned())
            .or_insert_with(|| Value::Object(Map::new()));
    }
}

/// A value as the text of an input: strings as they are, other scalars as JSON.
pub(super) fn as_text(value: Option<&Value>) -> String {
    match value {
        None | Some(Value::Null) => String::new(),
        Some(Value::String(s)) => s.clone(),
        Some(other) => other.to_string(),
    }
}

/// Whether the value at a path is `choice`: equal as text, or, for an array, one of its items.
pub(super) fn holds(value: Option<&Value>, choice: &str) -> bool {
    match value {
        Some(Value::Array(items)) => items.iter().any(|i| as_text(Some(i)) == choice),
        Some(v) => as_text(Some(v)) == choice,
        None => false,
    }
}

/// Whether a field applies to the payload as it stands (its condition, if any, is met).
pub(super) fn applies(field: &Field, payload: &Value) -> bool {
    match &field.when {
        Some((path, values)) => values.iter().any(|v| holds(get(payload, path), v)),
        None => true,
    }
}

/// The ids of the uploaded files a payload refers to, in the form's order.
pub(super) fn file_ids(fields: &[Field], payload: &Value) -> Vec<String> {
    let mut out = Vec::new();
    for f in fields.iter().filter(|f| applies(f, payload)) {
        match (f.kind, get(payload, &f.path)) {
            (Kind::File, Some(Value::String(id))) => out.push(id.clone()),
            (Kind::Files, Some(Value::Array(ids))) => {
                out.extend(ids.iter().filter_map(|v| v.as_str().map(str::to_owned)))
            }
            _ => {}
        }
    }
    out
}

// ---------------------------------------------------------------------------------------
// Reading a posted form

/// A posted form: every value of every name (check boxes repeat a name), and the ids of
/// the files uploaded with it by field path.
#[derive(Debug, Default)]
pub(super) struct Posted {
    pub(super) texts: HashMap<String, Vec<String>>,
    pub(super) uploads: HashMap<String, Vec<String>>,
}

impl Posted {
    /// The last value of a name, or "".
    pub(super) fn text(&self, name: &str) -> &str {
        self.texts
            .get(name)
            .and_then(|v| v.last())
            .map(String::as_str)
            .unwrap_or_default()
    }

    fn all(&self, name: &str) -> Vec<String> {
        self.texts.get(name).cloned().unwrap_or_default()
    }
}

/// What the edit buttons of a form ask for besides the values themselves.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum Edit {
    /// Add an empty tester card.
    AddTester,
    /// Remove the tester card at this index.
    RemoveTester(usize),
    /// Remove an uploaded file from a field (its index for a list of files).
    RemoveFile(String, usize),
}

impl Edit {
    /// The edit named by the `action` button, if it is one.
    pub(super) fn parse(action: &str) -> Option<Edit> {
        if action == "add_tester" {
            return Some(Edit::AddTester);
        }
        if let Some(i) = action.strip_prefix("remove_tester:") {
            return i.parse().ok().map(Edit::RemoveTester);
        }
        let rest = action.strip_prefix("remove_file:")?;
        let (path, i) = rest.rsplit_once(':')?;
        Some(Edit::RemoveFile(path.to_owned(), i.parse().ok()?))
    }
}

/// Reads a posted form into the step's JSON payload, applying `edit`.
pub(super) fn payload(fields: &[Field], posted: &Posted, edit: Option<&Edit>) -> Value {
    let mut out = Value::Object(Map::new());
    for f in fields.iter().filter(|f| f.has_value()) {
        // Conditions refer to fields earlier in the form, which are already read. A list of
        // check boxes that does not apply is empty (core wants it so), anything else absent.
        if !applies(f, &out) {
            if f.kind == Kind::Checks {
                set(&mut out, &f.path, Value::Array(Vec::new()));
            }
            continue;
        }
        let path = f.path.as_str();
        let text = |name: &str| -> Value {
            let t = posted.text(name);
            if t.trim().is_empty() {
                Value::Null
            } else {
                Value::String(t.to_owned())
            }
        };
        match f.kind {
            Kind::Section | Kind::Group => {}
            Kind::Text | Kind::Date | Kind::Area | Kind::Select | Kind::Radio => {
                set(&mut out, path, text(path))
            }
            Kind::YesNo => {
                let v = match posted.text(path) {
                    "true" => Value::Bool(true),
                    "false" => Value::Bool(false),
                    _ => Value::Null,
                };
                set(&mut out, path, v);
            }
            Kind::Lines => {
                let items = posted
                    .text(path)
                    .lines()
                    .map(str::trim)
                    .filter(|l| !l.is_empty())
                    .map(|l| Value::String(l.to_owned()))
                    .collect();
                set(&mut out, path, Value::Array(items));
            }
            Kind::Checks => {
                let ticked = posted.all(path).into_iter().map(Value::String).collect();
                set(&mut out, path, Value::Array(ticked));
            }
            Kind::Consent => {
                let agreed = posted.text(path) == "true";
                for member in &f.members {
                    set(&mut out, &format!("{path}.{member}"), Value::Bool(agreed));
                }
            }
            Kind::File => {
                let removed = matches!(edit, Some(Edit::RemoveFile(p, _)) if p == path);
                let id = posted
                    .uploads
                    .get(path)
                    .and_then(|ids| ids.last().cloned())
                    .map(Value::String)
                    .unwrap_or_else(|| if removed { Value::Null } else { text(path) });
                set(&mut out, path, id);
            }
            Kind::Files => {
                let mut ids: Vec<String> = posted
                    .all(path)
                    .into_iter()
                    .filter(|id| !id.trim().is_empty())
                    .collect();
                if let Some(Edit::RemoveFile(p, i)) = edit {
                    if p == path && *i < ids.len() {
                        ids.remove(*i);
                    }
                }
                ids.extend(posted.uploads.get(path).cloned().unwrap_or_default());
                set(
                    &mut out,
                    path,
                    Value::Array(ids.into_iter().map(Value::String).collect()),
                );
            }
            Kind::Testers => set(&mut out, path, testers(path, posted, edit)),
        }
    }
    out
}

/// The tester cards of a posted form: `testers[0].full_name`, ... Cards left wholly empty
/// are dropped, unless the user just asked for a new one.
fn testers(path: &str, posted: &Posted, edit: Option<&Edit>) -> Value {
    let count = posted
        .texts
        .keys()
        .filter_map(|k| k.strip_prefix(path)?.strip_prefix('[')?.split_once(']'))
        .filter_map(|(i, _)| i.parse::<usize>().ok())
        .map(|i| i + 1)
        .max()
        .unwrap_or(0)
        // A bound on what a request can make us build.
        .min(onboard_core::payload::limits::TESTERS_MAX + 1);
    let mut cards = Vec::new();
    for i in 0..count {
        if edit == Some(&Edit::RemoveTester(i)) {
            continue;
        }
        let mut card = Map::new();
        let mut empty = true;
        let members = TESTER_INPUTS.iter().map(|(m, ..)| *m).chain(["os"]);
        for member in members {
            let t = posted.text(&format!("{path}[{i}].{member}"));
            if t.trim().is_empty() {
                card.insert(member.to_owned(), Value::Null);
            } else {
                empty = false;
                card.insert(member.to_owned(), Value::String(t.to_owned()));
            }
        }
        if !empty {
            cards.push(Value::Object(card));
        }
    }
    if edit == Some(&Edit::AddTester) {
        let blank = TESTER_INPUTS
            .iter()
            .map(|(m, ..)| *m)
            .chain(["os"])
            .map(|m| (m.to_owned(), Value::Null))
            .collect();
        cards.push(Value::Object(blank));
    }
    Value::Array(cards)
}

/// The input a problem at `field` (a JSON path of core's report) belongs to: the input of
/// the same path, a tester's own input, or else the nearest field that holds the path
/// (`profile_access.login_callback_urls[1]` belongs to the callback-URL box).
pub(super) fn anchor(fields: &[Field], field: &str) -> String {
    let is_tester_input = fields.iter().any(|f| {
        f.kind == Kind::Testers
            && field
                .strip_prefix(f.path.as_str())
                .is_some_and(|rest| rest.starts_with('[') && rest.contains("]."))
    });
    if is_tester_input {
        return field.to_owned();
    }
    fields
        .iter()
        .filter(|f| f.has_value())
        .filter(|f| {
            field == f.path
                || field
                    .strip_prefix(f.path.as_str())
                    .is_some_and(|rest| rest.starts_with('.') || rest.starts_with('['))
        })
        .max_by_key(|f| f.path.len())
        .map(|f| f.path.clone())
        .unwrap_or_else(|| field.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn posted(pairs: &[(&str, &str)]) -> Posted {
        let mut p = Posted::default();
        for (k, v) in pairs {
            p.texts
                .entry((*k).to_owned())
                .or_default()
                .push((*v).to_owned());
        }
        p
    }

    fn form() -> Vec<Field> {
        vec![
            Field::section("ส่วนที่ 1"),
            Field::text("a.name", "ชื่อ"),
            Field::yes_no("a.wanted", "ต้องการ"),
            Field::checks("a.fields", "ข้อมูล", vec![("x", "X"), ("y", "Y")])
                .when("a.wanted", &["true"]),
            Field::text("a.other", "อื่นๆ").when("a.fields", &["y"]),
            Field::lines("urls", "URL"),
            Field::consent("consents", "ตกลง", vec![("one", "1"), ("two", "2")]),
            Field::testers("testers", "ผู้ทดสอบ"),
        ]
    }

    #[test]
    fn a_posted_form_becomes_the_steps_json() {
        let p = posted(&[
            ("a.name", "  "),
            ("a.wanted", "true"),
            ("a.fields", "x"),
            ("a.fields", "y"),
            ("a.other", "ข้อความ"),
            ("urls", "https://a.go.th/cb\r\n\r\n https://a.go.th/cb2 "),
            ("consents", "true"),
            ("testers[0].full_name", "สมชาย"),
            ("testers[1].full_name", ""),
            ("testers[1].os", ""),
        ]);
        let v = payload(&form(), &p, None);
        assert_eq!(v["a"]["name"], Value::Null);
        assert_eq!(v["a"]["wanted"], json!(true));
        assert_eq!(v["a"]["fields"], json!(["x", "y"]));
        assert_eq!(v["a"]["other"], json!("ข้อความ"));
        assert_eq!(
            v["urls"],
            json!(["https://a.go.th/cb", "https://a.go.th/cb2"])
        );
        assert_eq!(v["consents"], json!({"one": true, "two": true}));
        // The empty second card is dropped.
        assert_eq!(v["testers"].as_array().map(Vec::len), Some(1));
        assert_eq!(v["testers"][0]["full_name"], json!("สมชาย"));
        assert_eq!(v["testers"][0]["os"], Value::Null);
    }

    #[test]
    fn fields_whose_condition_fails_are_left_out() {
        let p = posted(&[("a.wanted", "false"), ("a.fields", "y"), ("a.other", "x")]);
        let v = payload(&form(), &p, None);
        assert_eq!(v["a"]["wanted"], json!(false));
        assert_eq!(v["a"]["fields"], json!([]));
        assert!(v["a"].get("other").is_none());
        assert_eq!(v["consents"], json!({"one": false, "two": false}));
    }

    #[test]
    fn edits_add_and_remove_testers() {
        let p = posted(&[("testers[0].full_name", "ก"), ("testers[1].full_name", "ข")]);
        let added = payload(&form(), &p, Some(&Edit::AddTester));
        assert_eq!(added["testers"].as_array().map(Vec::len), Some(3));
        let removed = payload(&form(), &p, Some(&Edit::RemoveTester(0)));
        assert_eq!(
            removed["testers"],
            json!([{"full_name": "ข", "organization": null, "email": null, "phone": null, "citizen_id": null, "os": null}])
        );
        assert_eq!(
            Edit::parse("remove_file:screenshot_file_ids:2"),
            Some(Edit::RemoveFile("screenshot_file_ids".into(), 2))
        );
        assert_eq!(Edit::parse("check"), None);
    }

    #[test]
    fn problems_point_at_their_input() {
        let f = form();
        assert_eq!(anchor(&f, "a.name"), "a.name");
        assert_eq!(anchor(&f, "urls[1]"), "urls");
        assert_eq!(anchor(&f, "consents.two"), "consents");
        assert_eq!(anchor(&f, "testers[1].citizen_id"), "testers[1].citizen_id");
        assert_eq!(anchor(&f, "testers"), "testers");
        assert_eq!(anchor(&f, "unknown"), "unknown");
    }
}
