//! Uploaded files (SPEC §9): media types decided from content only, upload purposes with
//! their accepted types and size limits, and the display name.
//!
//! The type of an upload is never taken from its name or the client's content type: a
//! renamed `.exe` stays unrecognized. Payload validation only sees files through
//! [`FileCatalog`], so it can run against the store, against a map in tests, or offline.

use crate::reference::UnknownName;
use crate::validation::{Code, FieldError};
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use std::fmt;
use std::hash::BuildHasher;
use std::str::FromStr;

/// One MiB.
const MIB: u64 = 1024 * 1024;

/// A media type the product accepts, decided by [`sniff`]. Serialized as its MIME type.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum MediaType {
    /// PNG image.
    #[serde(rename = "image/png")]
    Png,
    /// JPEG image.
    #[serde(rename = "image/jpeg")]
    Jpeg,
    /// PDF document.
    #[serde(rename = "application/pdf")]
    Pdf,
    /// Excel workbook (Office Open XML, a ZIP container).
    #[serde(rename = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")]
    Xlsx,
    /// Excel 97-2003 workbook (OLE2 compound file).
    #[serde(rename = "application/vnd.ms-excel")]
    Xls,
    /// Comma- (or semicolon-) separated values, UTF-8.
    #[serde(rename = "text/csv")]
    Csv,
}

impl MediaType {
    /// Every media type.
    pub const ALL: [MediaType; 6] = [
        MediaType::Png,
        MediaType::Jpeg,
        MediaType::Pdf,
        MediaType::Xlsx,
        MediaType::Xls,
        MediaType::Csv,
    ];

    /// The MIME type, as sent in `Content-Type` and stored.
    pub fn mime(self) -> &'static str {
        match self {
            MediaType::Png => "image/png",
            MediaType::Jpeg => "image/jpeg",
            MediaType::Pdf => "application/pdf",
            MediaType::Xlsx => "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            MediaType::Xls => "application/vnd.ms-excel",
            MediaType::Csv => "text/csv",
        }
    }

    /// The usual file extension, without the dot (for download names).
    pub fn extension(self) -> &'static str {
        match self {
            MediaType::Png => "png",
            MediaType::Jpeg => "jpg",
            MediaType::Pdf => "pdf",
            MediaType::Xlsx => "xlsx",
            MediaType::Xls => "xls",
            MediaType::Csv => "csv",
        }
    }

    /// Whether this is an image ([`image_dimensions`] may read its size).
    pub fn is_image(self) -> bool {
        matches!(self, MediaType::Png | MediaType::Jpeg)
    }
}

impl fmt::Display for MediaType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.mime())
    }
}

/// Parses the MIME type (as stored), not a file extension.
impl FromStr for MediaType {
    type Err = UnknownName;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        MediaType::ALL
            .into_iter()
            .find(|m| m.mime() == s)
            .ok_or_else(|| UnknownName {
                kind: "media type",
                value: s.to_owned(),
            })
    }
}

const PNG_SIGNATURE: &[u8] = b"\x89PNG\r\n\x1a\n";
const OLE2_SIGNATURE: &[u8] = b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1";
const ZIP_LOCAL_HEADER: &[u8] = b"PK\x03\x04";

/// Decides the media type from the content alone; `None` for anything not accepted
/// anywhere (a generic ZIP, a Word file, an executable, a GIF, binary junk).
///
/// - PNG: the 8-byte signature. JPEG: `FF D8 FF`. PDF: starts with `%PDF-`.
/// - XLSX: a ZIP whose local file headers name `[Content_Types].xml` and some `xl/` entry
///   (a `.docx` has `word/` instead).
/// - XLS: the OLE2 compound-file signature. Only the container is checked, so a Word 97
///   `.doc` also passes; telling them apart needs the directory, not worth it for a test
///   result a reviewer opens anyway.
/// - CSV, a heuristic since text has no signature: valid UTF-8 (a BOM is allowed), not blank,
///   no control characters other than tab, CR and LF (so no NUL: binary files fail), and at
///   least one `,`, `;` or line break (a one-column file still has line breaks).
pub fn sniff(bytes: &[u8]) -> Option<MediaType> {
    if bytes.starts_with(PNG_SIGNATURE) {
        Some(MediaType::Png)
    } else if bytes.starts_with(&[0xFF, 0xD8, 0xFF]) {
        Some(MediaType::Jpeg)
    } else if bytes.starts_with(b"%PDF-") {
        Some(MediaType::Pdf)
    } else if bytes.starts_with(ZIP_LOCAL_HEADER) {
        is_xlsx(bytes).then_some(MediaType::Xlsx)
    } else if bytes.starts_with(OLE2_SIGNATURE) {
        Some(MediaType::Xls)
    } else {
        is_csv(bytes).then_some(MediaType::Csv)
    }
}

fn u16_le(b: &[u8], at: usize) -> Option<usize> {
    let s = b.get(at..at.checked_add(2)?)?;
    Some(usize::from(u16::from_le_bytes([s[0], s[1]])))
}

fn u32_le(b: &[u8], at: usize) -> Option<usize> {
    let s = b.get(at..at.checked_add(4)?)?;
    usize::try_from(u32::from_le_bytes([s[0], s[1], s[2], s[3]])).ok()
}

/// Position of the next ZIP local header at or after `from`.
fn next_local_header(bytes: &[u8], from: usize) -> Option<usize> {
    let rest = bytes.get(from..)?;
    rest.windows(ZIP_LOCAL_HEADER.len())
        .position(|w| w == ZIP_LOCAL_HEADER)
        .map(|p| from + p)
}

/// Walks the ZIP local file headers looking for the two entries every XLSX has.
fn is_xlsx(bytes: &[u8]) -> bool {
    let (mut content_types, mut workbook) = (false, false);
    let mut pos = 0;
    while let Some(header) = bytes.get(pos..).filter(|h| h.starts_with(ZIP_LOCAL_HEADER)) {
        // Local header: flags at 6, compressed size at 18, name length at 26, extra length
        // at 28, name at 30.
        let (Some(flags), Some(size), Some(name_len), Some(extra_len)) = (
            u16_le(header, 6),
            u32_le(header, 18),
            u16_le(header, 26),
            u16_le(header, 28),
        ) else {
            break;
        };
        let Some(name) = header.get(30..30 + name_len) else {
            break;
        };
        content_types |= name == b"[Content_Types].xml";
        workbook |= name.starts_with(b"xl/");
        if content_types && workbook {
            return true;
        }
        let data = pos + 30 + name_len + extra_len;
        // With a data descriptor (flag bit 3) the size in the header is zero, and a ZIP64
        // size is a placeholder: then search for the next header instead of jumping.
        let jump = (flags & 0x08 == 0)
            .then(|| data.checked_add(size))
            .flatten()
            .filter(|&next| {
                bytes
                    .get(next..)
                    .is_some_and(|h| h.starts_with(ZIP_LOCAL_HEADER))
            });
        match jump.or_else(|| next_local_header(bytes, data)) {
            Some(next) if next > pos => pos = next,
            _ => break,
        }
    }
    false
}

fn is_csv(bytes: &[u8]) -> bool {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let Ok(text) = std::str::from_utf8(bytes) else {
        return false;
    };
    !text.trim().is_empty()
        && text
            .chars()
            .all(|c| !c.is_control() || matches!(c, '\t' | '\r' | '\n'))
        && text.contains([',', ';', '\n'])
}

/// Width and height in pixels of a PNG (from IHDR) or a JPEG (from its first SOF0, SOF1 or
/// SOF2 frame header); `None` for anything else or for a truncated or malformed header.
pub fn image_dimensions(bytes: &[u8]) -> Option<(u32, u32)> {
    if bytes.starts_with(PNG_SIGNATURE) {
        png_dimensions(bytes)
    } else if bytes.starts_with(&[0xFF, 0xD8]) {
        jpeg_dimensions(bytes)
    } else {
        None
    }
}

fn png_dimensions(bytes: &[u8]) -> Option<(u32, u32)> {
    // Signature (8), then the first chunk must be IHDR: length (4), type (4), width, height.
    if bytes.get(12..16)? != b"IHDR" {
        return None;
    }
    let be32 = |at: usize| -> Option<u32> {
        let s = bytes.get(at..at + 4)?;
        Some(u32::from_be_bytes([s[0], s[1], s[2], s[3]]))
    };
    let (w, h) = (be32(16)?, be32(20)?);
    (w > 0 && h > 0).then_some((w, h))
}

fn jpeg_dimensions(bytes: &[u8]) -> Option<(u32, u32)> {
    let be16 = |at: usize| -> Option<u16> {
        let s = bytes.get(at..at.checked_add(2)?)?;
        Some(u16::from_be_bytes([s[0], s[1]]))
    };
    let mut pos = 2; // after SOI
    loop {
        if *bytes.get(pos)? != 0xFF {
            return None;
        }
        // Any number of 0xFF fill bytes may precede a marker.
        while *bytes.get(pos)? == 0xFF {
            pos += 1;
        }
        let marker = *bytes.get(pos)?;
        pos += 1;
        match marker {
            // Markers without a length: TEM, RST0-7.
            0x01 | 0xD0..=0xD7 => continue,
            // End of image or start of scan before any frame header: no size to read.
            0xD9 | 0xDA => return None,
            _ => {}
        }
        let len = usize::from(be16(pos)?);
        if len < 2 {
            return None;
        }
        if matches!(marker, 0xC0..=0xC2) {
            // Length (2), precision (1), height (2), width (2).
            let h = be16(pos + 3)?;
            let w = be16(pos + 5)?;
            return (w > 0 && h > 0).then_some((u32::from(w), u32::from(h)));
        }
        pos = pos.checked_add(len)?;
    }
}

/// What an upload is for; decides accepted types and size (SPEC §9 table).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FilePurpose {
    /// The e-Service icon (PNG or JPEG, 2 MiB; 120x120 px recommended).
    Icon,
    /// An app screenshot (PNG or JPEG, 2 MiB).
    Screenshot,
    /// A UAT or Pre-Production test result (XLSX, XLS, PDF or CSV, 20 MiB).
    TestResult,
    /// The assignment letter, หนังสือมอบหมาย (PDF, PNG or JPEG, 10 MiB).
    AssignmentLetter,
    /// A template an admin offers for download on a step's page (any accepted type,
    /// 20 MiB). Not a purpose of `POST /files`: templates come in through
    /// `POST /templates` ([`crate::template`]), so it is not in [`FilePurpose::ALL`].
    Template,
}

/// The largest size of any purpose: request bodies above it get 413 before being read.
pub const LARGEST_UPLOAD: u64 = 20 * MIB;

impl FilePurpose {
    /// Every purpose of `POST /files` (a [`FilePurpose::Template`] comes in through
    /// `POST /templates` instead).
    pub const ALL: [FilePurpose; 4] = [
        FilePurpose::Icon,
        FilePurpose::Screenshot,
        FilePurpose::TestResult,
        FilePurpose::AssignmentLetter,
    ];

    /// The JSON name, e.g. `test_result`.
    pub fn as_str(self) -> &'static str {
        match self {
            FilePurpose::Icon => "icon",
            FilePurpose::Screenshot => "screenshot",
            FilePurpose::TestResult => "test_result",
            FilePurpose::AssignmentLetter => "assignment_letter",
            FilePurpose::Template => "template",
        }
    }

    /// Whether a file of type `media` may be used for this purpose.
    pub fn accepts(self, media: MediaType) -> bool {
        use MediaType::*;
        match self {
            FilePurpose::Icon | FilePurpose::Screenshot => matches!(media, Png | Jpeg),
            FilePurpose::TestResult => matches!(media, Xlsx | Xls | Pdf | Csv),
            FilePurpose::AssignmentLetter => matches!(media, Pdf | Png | Jpeg),
            FilePurpose::Template => matches!(media, Xlsx | Xls | Pdf | Csv | Png | Jpeg),
        }
    }

    /// The largest accepted size in bytes.
    pub fn max_size(self) -> u64 {
        match self {
            FilePurpose::Icon | FilePurpose::Screenshot => 2 * MIB,
            FilePurpose::TestResult | FilePurpose::Template => LARGEST_UPLOAD,
            FilePurpose::AssignmentLetter => 10 * MIB,
        }
    }
}

impl fmt::Display for FilePurpose {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for FilePurpose {
    type Err = UnknownName;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        FilePurpose::ALL
            .into_iter()
            .find(|p| p.as_str() == s)
            .ok_or_else(|| UnknownName {
                kind: "file purpose",
                value: s.to_owned(),
            })
    }
}

/// Longest display name kept, in bytes (a common file system limit), cut on a char boundary.
const MAX_NAME_BYTES: usize = 255;

/// Bidirectional formatting characters: an RLO (U+202E) inside `evil<RLO>fdp.exe`
/// makes it display as `evilexe.pdf`, so they are dropped from display names.
fn is_bidi_control(c: char) -> bool {
    matches!(c, '\u{200E}' | '\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
}

/// The longest prefix of `s` of at most `max` bytes that ends on a char boundary.
fn truncate_bytes(s: &str, max: usize) -> &str {
    let mut end = s.len().min(max);
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    s.get(..end).unwrap_or_default()
}

/// The client's file name made safe to display (it is never used as a path): only the part
/// after the last `/` or `\`, without control and bidi characters, trimmed, at most 255 bytes
/// (keeping a short extension when cut), and `file` instead of an empty name or one made only
/// of dots (`.`, `..`).
pub fn sanitize_name(raw: &str) -> String {
    let base = raw.rsplit(['/', '\\']).next().unwrap_or_default();
    let cleaned: String = base
        .chars()
        .filter(|&c| !c.is_control() && !is_bidi_control(c))
        .collect();
    let name = cleaned.trim();
    let cut = if name.len() <= MAX_NAME_BYTES {
        name.to_owned()
    } else {
        // Keep `.pdf` visible when a long name is cut.
        match name.rsplit_once('.') {
            Some((stem, ext)) if !stem.is_empty() && (1..=16).contains(&ext.len()) => {
                let stem = truncate_bytes(stem, MAX_NAME_BYTES - ext.len() - 1);
                format!("{}.{ext}", stem.trim_end())
            }
            _ => truncate_bytes(name, MAX_NAME_BYTES).trim_end().to_owned(),
        }
    };
    // Checked on the final name: cutting may leave only dots (or nothing).
    if cut.chars().all(|c| c == '.') {
        return "file".to_owned();
    }
    cut
}

#[cfg(test)]
mod sanitize_regressions {
    use super::*;

    /// Found by fuzzing: cutting a long name could leave only dots.
    #[test]
    fn a_cut_name_is_never_only_dots() {
        let long_dots = ".".repeat(300) + &"x".repeat(20);
        assert_eq!(sanitize_name(&long_dots), "file");
        let dots_then_spaces = format!("..{}x", " ".repeat(300));
        assert_eq!(sanitize_name(&dots_then_spaces), "file");
        assert_eq!(sanitize_name("report.pdf"), "report.pdf");
    }
}

/// What is known about a stored upload.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct FileFacts {
    /// The type sniffed from the content.
    pub media_type: MediaType,
    /// Size in bytes.
    pub size: u64,
    /// Width and height in pixels, for images whose header could be read.
    pub dimensions: Option<(u32, u32)>,
}

impl FileFacts {
    /// The facts of an upload from its content; `None` when [`sniff`] recognizes no type.
    pub fn inspect(bytes: &[u8]) -> Option<FileFacts> {
        let media_type = sniff(bytes)?;
        Some(FileFacts {
            media_type,
            size: u64::try_from(bytes.len()).unwrap_or(u64::MAX),
            dimensions: if media_type.is_image() {
                image_dimensions(bytes)
            } else {
                None
            },
        })
    }
}

/// The answer of a [`FileCatalog`] about one file id.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FileLookup {
    /// The file exists and belongs to the caller.
    Found(FileFacts),
    /// No such file, or not the caller's (both look the same, so existence does not leak).
    Missing,
    /// Not checked: validation without the store, where only the id's presence counts.
    Unchecked,
}

/// Where payload validation looks up referenced files.
pub trait FileCatalog {
    /// What is known about the file with this id.
    fn lookup(&self, id: &str) -> FileLookup;
}

/// A catalog for offline validation (e.g. the CLI checking a JSON file): every id is
/// [`FileLookup::Unchecked`].
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct OfflineFiles;

impl FileCatalog for OfflineFiles {
    fn lookup(&self, _id: &str) -> FileLookup {
        FileLookup::Unchecked
    }
}

/// Files by id; an absent id is [`FileLookup::Missing`].
impl<S: BuildHasher> FileCatalog for HashMap<String, FileFacts, S> {
    fn lookup(&self, id: &str) -> FileLookup {
        self.get(id)
            .map_or(FileLookup::Missing, |f| FileLookup::Found(*f))
    }
}

/// Checks a referenced file id for `purpose`: `required` for a blank id, `file_missing`,
/// `file_type`, then `file_too_large`. `Ok(None)` when the catalog could not check
/// ([`FileLookup::Unchecked`]); `Ok(Some(facts))` otherwise, e.g. for the icon size warning.
pub fn check_file(
    files: &dyn FileCatalog,
    id: &str,
    purpose: FilePurpose,
) -> Result<Option<FileFacts>, FieldError> {
    let id = id.trim();
    if id.is_empty() {
        return Err(FieldError::new(Code::Required));
    }
    match files.lookup(id) {
        FileLookup::Unchecked => Ok(None),
        FileLookup::Missing => Err(FieldError::new(Code::FileMissing)),
        FileLookup::Found(f) if !purpose.accepts(f.media_type) => {
            Err(FieldError::new(Code::FileType))
        }
        FileLookup::Found(f) if f.size > purpose.max_size() => {
            Err(FieldError::new(Code::FileTooLarge))
        }
        FileLookup::Found(f) => Ok(Some(f)),
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// A PNG signature and IHDR chunk (CRC not checked by the sniffer, zeros here).
    fn png(w: u32, h: u32) -> Vec<u8> {
        let mut b = PNG_SIGNATURE.to_vec();
        b.extend(13u32.to_be_bytes());
        b.extend(b"IHDR");
        b.extend(w.to_be_bytes());
        b.extend(h.to_be_bytes());
        b.extend([8, 6, 0, 0, 0]); // bit depth, colour type RGBA, compression, filter, interlace
        b.extend([0; 4]); // CRC
        b
    }

    /// SOI, an APP0 (JFIF) segment, a DQT-like filler segment, then SOF0.
    fn jpeg(w: u16, h: u16) -> Vec<u8> {
        let mut b = vec![0xFF, 0xD8];
        b.extend([0xFF, 0xE0, 0x00, 0x10]);
        b.extend(b"JFIF\0\x01\x01\0\0\x01\0\x01\0\0");
        b.extend([0xFF, 0xDB, 0x00, 0x04, 0x00, 0x00]);
        b.extend([0xFF, 0xFF]); // fill byte before the next marker
        b.extend([0xC0, 0x00, 0x11, 0x08]);
        b.extend(h.to_be_bytes());
        b.extend(w.to_be_bytes());
        b.extend([3, 1, 0x22, 0, 2, 0x11, 1, 3, 0x11, 1]);
        b.extend([0xFF, 0xD9]);
        b
    }

    /// A ZIP with stored (empty) entries of these names, as local headers only.
    fn zip(names: &[&str], data_descriptor: bool) -> Vec<u8> {
        let mut b = Vec::new();
        for name in names {
            let content = b"<x/>";
            b.extend(ZIP_LOCAL_HEADER);
            b.extend(20u16.to_le_bytes()); // version
            b.extend((if data_descriptor { 8u16 } else { 0 }).to_le_bytes());
            b.extend(0u16.to_le_bytes()); // method: stored
            b.extend([0; 4]); // time, date
            b.extend([0; 4]); // crc
            let size = if data_descriptor {
                0u32
            } else {
                content.len() as u32
            };
            b.extend(size.to_le_bytes());
            b.extend(size.to_le_bytes());
            b.extend((name.len() as u16).to_le_bytes());
            b.extend(0u16.to_le_bytes());
            b.extend(name.as_bytes());
            b.extend(content);
            if data_descriptor {
                b.extend(b"PK\x07\x08");
                b.extend([0; 12]);
            }
        }
        b.extend(b"PK\x05\x06"); // end of central directory (rest omitted)
        b
    }

    const XLSX_NAMES: &[&str] = &["[Content_Types].xml", "_rels/.rels", "xl/workbook.xml"];

    #[test]
    fn sniffs_each_type_from_minimal_headers() {
        assert_eq!(sniff(&png(120, 120)), Some(MediaType::Png));
        assert_eq!(sniff(&jpeg(1, 1)), Some(MediaType::Jpeg));
        assert_eq!(
            sniff(b"%PDF-1.7\n%\xE2\xE3\xCF\xD3\n"),
            Some(MediaType::Pdf)
        );
        assert_eq!(sniff(&zip(XLSX_NAMES, false)), Some(MediaType::Xlsx));
        assert_eq!(sniff(&zip(XLSX_NAMES, true)), Some(MediaType::Xlsx));
        let mut xls = OLE2_SIGNATURE.to_vec();
        xls.extend([0; 504]);
        assert_eq!(sniff(&xls), Some(MediaType::Xls));
        assert_eq!(sniff(b"name,score\r\nSomchai,10\r\n"), Some(MediaType::Csv));
        assert_eq!(
            sniff("\u{feff}ชื่อ;คะแนน\nสมชาย;10".as_bytes()),
            Some(MediaType::Csv)
        );
        assert_eq!(sniff(b"single column\n"), Some(MediaType::Csv));
    }

    #[test]
    fn rejects_everything_else() {
        let docx = zip(&["[Content_Types].xml", "word/document.xml"], false);
        for junk in [
            &b""[..],
            b"GIF89a\x01\x00\x01\x00",
            b"MZ\x90\x00\x03\x00\x00\x00",
            b"\x7FELF\x02\x01\x01",
            &zip(&["readme.txt", "xl/x.xml"], false)[..],
            &docx[..],
            b"PK\x03\x04",
            b"no separator at all",
            b"   \n\t  ",
            b"a,b\0c",
            b"a,b\x1bc",
            b"a,\xFF\xFE",
            b"%PDF",
        ] {
            assert_eq!(sniff(junk), None, "{junk:?}");
        }
    }

    #[test]
    fn the_name_and_client_type_do_not_matter() {
        // A PNG is a PNG whatever it is called; there is no name parameter to trust.
        assert_eq!(
            FileFacts::inspect(&png(120, 120)).unwrap().dimensions,
            Some((120, 120))
        );
        assert_eq!(FileFacts::inspect(b"MZ\x90\x00"), None);
    }

    #[test]
    fn reads_image_dimensions() {
        assert_eq!(image_dimensions(&png(120, 120)), Some((120, 120)));
        assert_eq!(image_dimensions(&png(1080, 1920)), Some((1080, 1920)));
        assert_eq!(image_dimensions(&png(0, 120)), None);
        assert_eq!(image_dimensions(&jpeg(120, 120)), Some((120, 120)));
        assert_eq!(image_dimensions(&jpeg(640, 480)), Some((640, 480)));
        assert_eq!(image_dimensions(b"%PDF-1.4"), None);
        let facts = FileFacts::inspect(&jpeg(640, 480)).unwrap();
        assert_eq!(facts.dimensions, Some((640, 480)));
        assert_eq!(facts.media_type, MediaType::Jpeg);
    }

    #[test]
    fn truncated_images_do_not_panic() {
        let j = jpeg(640, 480);
        let p = png(120, 120);
        for n in 0..j.len() {
            let dims = image_dimensions(&j[..n]);
            // The size is complete once SOF0's width is in.
            assert!(dims.is_none() || dims == Some((640, 480)));
        }
        for n in 0..p.len() {
            let _ = image_dimensions(&p[..n]);
        }
        assert_eq!(image_dimensions(&p[..23]), None);
        // A segment length of 0 or 1 must not loop forever.
        assert_eq!(
            image_dimensions(&[0xFF, 0xD8, 0xFF, 0xE0, 0x00, 0x01, 0xFF]),
            None
        );
        // SOS before SOF: no size.
        assert_eq!(
            image_dimensions(&[0xFF, 0xD8, 0xFF, 0xDA, 0x00, 0x02]),
            None
        );
    }

    #[test]
    fn purposes() {
        use MediaType::*;
        assert!(FilePurpose::Icon.accepts(Png) && FilePurpose::Icon.accepts(Jpeg));
        assert!(!FilePurpose::Icon.accepts(Pdf));
        assert!(!FilePurpose::Screenshot.accepts(Csv));
        for m in [Xlsx, Xls, Pdf, Csv] {
            assert!(FilePurpose::TestResult.accepts(m));
        }
        assert!(!FilePurpose::TestResult.accepts(Png));
        assert!(FilePurpose::AssignmentLetter.accepts(Pdf));
        assert!(!FilePurpose::AssignmentLetter.accepts(Xlsx));
        assert_eq!(FilePurpose::Icon.max_size(), 2 * 1024 * 1024);
        assert_eq!(FilePurpose::AssignmentLetter.max_size(), 10 * 1024 * 1024);
        let largest = FilePurpose::ALL.iter().map(|p| p.max_size()).max();
        assert_eq!(largest, Some(LARGEST_UPLOAD));
        for p in FilePurpose::ALL {
            assert_eq!(p.as_str().parse::<FilePurpose>(), Ok(p));
            assert_eq!(serde_json::to_string(&p).unwrap(), format!("\"{p}\""));
        }
        assert!("test-result".parse::<FilePurpose>().is_err());
    }

    #[test]
    fn media_types_serialize_as_mime() {
        for m in MediaType::ALL {
            assert_eq!(
                serde_json::to_string(&m).unwrap(),
                format!("\"{}\"", m.mime())
            );
            assert_eq!(m.mime().parse::<MediaType>(), Ok(m));
        }
        assert_eq!(MediaType::Jpeg.extension(), "jpg");
    }

    #[test]
    fn sanitizes_names() {
        assert_eq!(sanitize_name("../../etc/passwd"), "passwd");
        assert_eq!(
            sanitize_name("C:\\Users\\somchai\\ผลทดสอบ.xlsx"),
            "ผลทดสอบ.xlsx"
        );
        assert_eq!(sanitize_name("a\0b\u{7}.pdf"), "ab.pdf");
        assert_eq!(sanitize_name("evil\u{202E}fdp.exe"), "evilfdp.exe");
        for dots in ["", "  ", ".", "..", "dir/..", "a/", "\0", "..\\.."] {
            assert_eq!(sanitize_name(dots), "file", "{dots:?}");
        }
        let long = format!("{}.pdf", "ก".repeat(1000));
        let s = sanitize_name(&long);
        assert!(s.len() <= 255 && s.ends_with(".pdf"), "{}", s.len());
        assert!(s.starts_with('ก'));
        let s = sanitize_name(&"x".repeat(1000));
        assert_eq!(s.len(), 255);
    }

    #[test]
    fn checks_files_against_the_catalog() {
        let mut files = HashMap::new();
        let pdf = FileFacts {
            media_type: MediaType::Pdf,
            size: 10 * MIB,
            dimensions: None,
        };
        let big_png = FileFacts {
            media_type: MediaType::Png,
            size: 2 * MIB + 1,
            dimensions: None,
        };
        files.insert("pdf".to_owned(), pdf);
        files.insert("big".to_owned(), big_png);
        let p = FilePurpose::AssignmentLetter;
        assert_eq!(check_file(&files, "pdf", p), Ok(Some(pdf)));
        assert_eq!(check_file(&files, " pdf ", p), Ok(Some(pdf)));
        let small = FileFacts {
            size: 10 * MIB + 1,
            ..pdf
        };
        files.insert("pdf2".to_owned(), small);
        assert_eq!(
            check_file(&files, "pdf2", p),
            Err(FieldError::new(Code::FileTooLarge))
        );
        assert_eq!(check_file(&files, "big", p), Ok(Some(big_png)));
        assert_eq!(
            check_file(&files, "big", FilePurpose::Icon),
            Err(FieldError::new(Code::FileTooLarge))
        );
        assert_eq!(
            check_file(&files, "pdf", FilePurpose::Icon),
            Err(FieldError::new(Code::FileType))
        );
        assert_eq!(
            check_file(&files, "nope", p),
            Err(FieldError::new(Code::FileMissing))
        );
        assert_eq!(
            check_file(&files, "", p),
            Err(FieldError::new(Code::Required))
        );
        assert_eq!(check_file(&OfflineFiles, "anything", p), Ok(None));
        assert_eq!(
            check_file(&OfflineFiles, "  ", p),
            Err(FieldError::new(Code::Required))
        );
    }

    proptest! {
        #[test]
        fn sniffing_never_panics(
            prefix in prop::sample::select(vec![
                &b""[..], PNG_SIGNATURE, &[0xFF, 0xD8, 0xFF][..], ZIP_LOCAL_HEADER, OLE2_SIGNATURE,
            ]),
            rest in prop::collection::vec(any::<u8>(), 0..200),
        ) {
            let mut b = prefix.to_vec();
            b.extend(rest);
            let _ = sniff(&b);
            let _ = image_dimensions(&b);
            let _ = FileFacts::inspect(&b);
        }

        #[test]
        fn names_are_always_safe(raw in any::<String>()) {
            let s = sanitize_name(&raw);
            prop_assert!(!s.is_empty() && s.len() <= 255);
            prop_assert!(!s.contains(['/', '\\']) && !s.chars().any(char::is_control));
            prop_assert!(s != "." && s != "..");
        }
    }
}
