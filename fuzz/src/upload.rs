//! Upload content sniffing, image dimensions and display names.
//!
//! Input: the file's bytes; the same bytes, read as text, are the client's file name.

use onboard_core::file::{
    check_file, image_dimensions, sanitize_name, sniff, FileFacts, FileLookup, FilePurpose,
    MediaType,
};

/// The upload target.
pub fn upload(data: &[u8]) {
    let media = sniff(data);
    let dimensions = image_dimensions(data);
    let facts = FileFacts::inspect(data);

    // `inspect` is `sniff`, the length, and the size of images only.
    assert_eq!(facts.map(|f| f.media_type), media);
    if let Some(f) = facts {
        assert_eq!(f.size, data.len() as u64);
        let expected = if f.media_type.is_image() {
            dimensions
        } else {
            None
        };
        assert_eq!(f.dimensions, expected);
    }
    // Signatures decide, and only content does.
    match media {
        Some(MediaType::Png) => assert!(data.starts_with(b"\x89PNG\r\n\x1a\n")),
        Some(MediaType::Jpeg) => assert!(data.starts_with(&[0xFF, 0xD8, 0xFF])),
        Some(MediaType::Pdf) => assert!(data.starts_with(b"%PDF-")),
        Some(MediaType::Xlsx) => assert!(data.starts_with(b"PK\x03\x04")),
        Some(MediaType::Xls) => assert!(data.starts_with(b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1")),
        Some(MediaType::Csv) => {
            let text = data.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(data);
            let text = std::str::from_utf8(text);
            assert!(text.is_ok_and(|t| !t.contains('\0') && !t.trim().is_empty()));
        }
        None => {}
    }
    if let Some((w, h)) = dimensions {
        assert!(w > 0 && h > 0);
        assert!(data.starts_with(b"\x89PNG\r\n\x1a\n") || data.starts_with(&[0xFF, 0xD8]));
    }
    // Every purpose answers without panicking, and accepts only what it lists.
    if let Some(f) = facts {
        let catalog = std::collections::HashMap::from([("f".to_owned(), f)]);
        for purpose in FilePurpose::ALL {
            let ok = check_file(&catalog, " f ", purpose).is_ok();
            assert_eq!(
                ok,
                purpose.accepts(f.media_type) && f.size <= purpose.max_size()
            );
        }
        let _ = FileLookup::Found(f);
    }

    check_name(&String::from_utf8_lossy(data));
}

/// A display name: no path, no control or bidi characters, not blank, at most 255 bytes,
/// and sanitizing it again changes nothing.
fn check_name(raw: &str) {
    let name = sanitize_name(raw);
    assert!(!name.is_empty(), "{raw:?}");
    assert!(name.len() <= 255, "{} bytes", name.len());
    assert!(!name.contains(['/', '\\', '\0']), "{name:?}");
    assert!(!name.chars().any(char::is_control), "{name:?}");
    assert!(
        !name.contains(['\u{200E}', '\u{200F}', '\u{202A}', '\u{202B}', '\u{202C}', '\u{202D}'])
            && !name.contains(['\u{202E}', '\u{2066}', '\u{2067}', '\u{2068}', '\u{2069}']),
        "{name:?}"
    );
    assert_eq!(name.trim(), name, "{name:?}");
    // Found by this target and fixed in core: a cut name was once only dots.
    assert!(!name.chars().all(|c| c == '.'), "{raw:?} -> {name:?}");
    assert_eq!(sanitize_name(&name), name, "not idempotent on {raw:?}");
}
