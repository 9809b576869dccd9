//! Real files made in memory: a PNG (deflate with fixed Huffman codes, so a large
//! screenshot stays small), an XLSX (a stored ZIP with the entries every workbook has) and
//! a PDF. The server sniffs and measures them like an officer's uploads, and a browser
//! shows them.

/// CRC-32 (IEEE), as PNG chunks and ZIP entries use.
pub fn crc32(bytes: &[u8]) -> u32 {
    let mut crc = 0xFFFF_FFFFu32;
    for &b in bytes {
        crc ^= u32::from(b);
        for _ in 0..8 {
            crc = if crc & 1 == 1 {
                (crc >> 1) ^ 0xEDB8_8320
            } else {
                crc >> 1
            };
        }
    }
    !crc
}

/// The bits of a deflate stream, least significant first.
struct Bits {
    out: Vec<u8>,
    acc: u32,
    len: u32,
}

impl Bits {
    fn new() -> Bits {
        Bits {
            out: Vec::new(),
            acc: 0,
            len: 0,
        }
    }

    /// `n` bits of `value`, least significant first (headers, extra bits).
    fn put(&mut self, value: u32, n: u32) {
        self.acc |= value << self.len;
        self.len += n;
        while self.len >= 8 {
            self.out.push(self.acc as u8);
            self.acc >>= 8;
            self.len -= 8;
        }
    }

    /// A Huffman code of `n` bits, most significant first.
    fn code(&mut self, code: u32, n: u32) {
        let reversed = code.reverse_bits() >> (32 - n);
        self.put(reversed, n);
    }

    /// A literal byte or symbol 256..=287 in the fixed code (RFC 1951 §3.2.6).
    fn symbol(&mut self, sym: u32) {
        match sym {
            0..=143 => self.code(0x30 + sym, 8),
            144..=255 => self.code(0x190 + sym - 144, 9),
            256..=279 => self.code(sym - 256, 7),
            _ => self.code(0xC0 + sym - 280, 8),
        }
    }

    /// A copy of `len` (3 to 10, or 258) bytes from 3 back: one RGB pixel before.
    fn copy_pixel(&mut self, len: usize) {
        let sym = if len == 258 { 285 } else { 254 + len as u32 };
        self.symbol(sym);
        self.code(2, 5); // distance 3: code 2, no extra bits
    }

    fn finish(mut self) -> Vec<u8> {
        if self.len > 0 {
            self.out.push(self.acc as u8);
        }
        self.out
    }
}

/// The zlib stream of `h` scanlines, each filter byte 0 then `w` pixels of `rgb`.
fn solid_scanlines(w: usize, h: usize, rgb: [u8; 3]) -> Vec<u8> {
    let mut bits = Bits::new();
    bits.put(1, 1); // the final block
    bits.put(1, 2); // fixed Huffman codes
    let row_len = w * 3;
    for _ in 0..h {
        bits.symbol(0);
        let first = row_len.min(3);
        for &b in &rgb[..first] {
            bits.symbol(u32::from(b));
        }
        let mut left = row_len - first;
        while left >= 258 {
            bits.copy_pixel(258);
            left -= 258;
        }
        // Copies of whole pixels keep what is left a multiple of 3, so none is left over.
        while left > 0 {
            let n = left.min(9);
            bits.copy_pixel(n);
            left -= n;
        }
    }
    bits.symbol(256);
    let mut out = vec![0x78, 0x01];
    out.extend(bits.finish());
    out.extend(adler32_of_rows(&rgb, row_len, h).to_be_bytes());
    out
}

/// Adler-32 of `h` equal scanlines (filter byte 0, then `row_len` bytes of `rgb` repeated),
/// one row's sums at a time: over a row of `n` bytes `x_k`, `a` grows by their sum and `b`
/// by `n·a + Σ (n − k)·x_k`.
fn adler32_of_rows(rgb: &[u8; 3], row_len: usize, h: usize) -> u32 {
    const MOD: u64 = 65521;
    let row: Vec<u64> = std::iter::once(0)
        .chain(rgb.iter().copied().cycle().take(row_len))
        .map(u64::from)
        .collect();
    let n = row.len() as u64;
    let sum = row.iter().sum::<u64>() % MOD;
    let weighted = row
        .iter()
        .zip((1..=n).rev())
        .map(|(x, weight)| x * weight % MOD)
        .sum::<u64>()
        % MOD;
    let (mut a, mut b) = (1u64, 0u64);
    for _ in 0..h {
        b = (b + n % MOD * a + weighted) % MOD;
        a = (a + sum) % MOD;
    }
    u32::try_from((b << 16) | a).expect("both sums are below 65521")
}

fn png_chunk(out: &mut Vec<u8>, kind: &[u8; 4], data: &[u8]) {
    out.extend(len32(data.len()).to_be_bytes());
    let mut body = kind.to_vec();
    body.extend_from_slice(data);
    out.extend_from_slice(&body);
    out.extend(crc32(&body).to_be_bytes());
}

fn len32(n: usize) -> u32 {
    u32::try_from(n).expect("a test file under 4 GiB")
}

/// A valid RGB PNG of `w`x`h` pixels filled with `rgb`. Colours below 144 in each channel
/// give files of equal size for equal dimensions.
///
/// ```
/// use onboard_core::file::{FileFacts, MediaType};
/// let png = onboard_core::testing::files::png(1080, 1920, [200, 30, 30]);
/// let facts = FileFacts::inspect(&png).unwrap();
/// assert_eq!((facts.media_type, facts.dimensions), (MediaType::Png, Some((1080, 1920))));
/// assert!(png.len() < 100_000);
/// assert_eq!(onboard_core::testing::files::png(8, 8, [1, 2, 3]).len(),
///            onboard_core::testing::files::png(8, 8, [4, 5, 6]).len());
/// ```
pub fn png(w: u32, h: u32, rgb: [u8; 3]) -> Vec<u8> {
    let mut out = b"\x89PNG\r\n\x1a\n".to_vec();
    let mut ihdr = Vec::new();
    ihdr.extend(w.to_be_bytes());
    ihdr.extend(h.to_be_bytes());
    ihdr.extend([8, 2, 0, 0, 0]); // 8-bit RGB, deflate, no filter, no interlace
    png_chunk(&mut out, b"IHDR", &ihdr);
    let size = |n: u32| usize::try_from(n).expect("a test image fits in memory");
    png_chunk(&mut out, b"IDAT", &solid_scanlines(size(w), size(h), rgb));
    png_chunk(&mut out, b"IEND", &[]);
    out
}

/// A stored ZIP of `(name, content)` entries with its central directory.
pub fn zip(entries: &[(&str, &[u8])]) -> Vec<u8> {
    let mut out = Vec::new();
    let mut central = Vec::new();
    for (name, content) in entries {
        let offset = len32(out.len());
        let crc = crc32(content);
        let size = len32(content.len());
        let name_len = u16::try_from(name.len()).expect("a short entry name");
        out.extend(b"PK\x03\x04");
        out.extend(20u16.to_le_bytes()); // version needed
        out.extend(0u16.to_le_bytes()); // flags
        out.extend(0u16.to_le_bytes()); // stored
        out.extend([0, 0, 0x21, 0]); // time, date (1980-01-01)
        out.extend(crc.to_le_bytes());
        out.extend(size.to_le_bytes());
        out.extend(size.to_le_bytes());
        out.extend(name_len.to_le_bytes());
        out.extend(0u16.to_le_bytes()); // extra
        out.extend(name.as_bytes());
        out.extend_from_slice(content);

        central.extend(b"PK\x01\x02");
        central.extend(20u16.to_le_bytes()); // version made by
        central.extend(20u16.to_le_bytes()); // version needed
        central.extend(0u16.to_le_bytes());
        central.extend(0u16.to_le_bytes());
        central.extend([0, 0, 0x21, 0]);
        central.extend(crc.to_le_bytes());
        central.extend(size.to_le_bytes());
        central.extend(size.to_le_bytes());
        central.extend(name_len.to_le_bytes());
        central.extend([0u8; 8]); // extra, comment, disk, internal attributes
        central.extend(0u32.to_le_bytes()); // external attributes
        central.extend(offset.to_le_bytes());
        central.extend(name.as_bytes());
    }
    let cd_offset = len32(out.len());
    let cd_size = len32(central.len());
    let count = u16::try_from(entries.len()).expect("few entries");
    out.extend(central);
    out.extend(b"PK\x05\x06");
    out.extend([0u8; 4]); // disk numbers
    out.extend(count.to_le_bytes());
    out.extend(count.to_le_bytes());
    out.extend(cd_size.to_le_bytes());
    out.extend(cd_offset.to_le_bytes());
    out.extend(0u16.to_le_bytes()); // comment
    out
}

/// A minimal workbook: `[Content_Types].xml`, the package relationships and
/// `xl/workbook.xml` with one sheet.
pub fn xlsx() -> Vec<u8> {
    let content_types = br#"<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/></Types>"#;
    let rels = br#"<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>"#;
    let workbook = br#"<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheets><sheet name="Testcases" sheetId="1"/></sheets></workbook>"#;
    zip(&[
        ("[Content_Types].xml", content_types),
        ("_rels/.rels", rels),
        ("xl/workbook.xml", workbook),
    ])
}

/// A one-page PDF with `text` on it.
pub fn pdf(text: &str) -> Vec<u8> {
    let stream = format!("BT /F1 12 Tf 72 720 Td ({text}) Tj ET");
    let objects = [
        "<< /Type /Catalog /Pages 2 0 R >>".to_owned(),
        "<< /Type /Pages /Kids [3 0 R] /Count 1 >>".to_owned(),
        "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>".to_owned(),
        format!("<< /Length {} >>\nstream\n{stream}\nendstream", stream.len()),
        "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>".to_owned(),
    ];
    let mut out = b"%PDF-1.4\n".to_vec();
    let mut offsets = Vec::new();
    for (i, obj) in objects.iter().enumerate() {
        offsets.push(out.len());
        out.extend(format!("{} 0 obj\n{obj}\nendobj\n", i + 1).as_bytes());
    }
    let xref = out.len();
    out.extend(format!("xref\n0 {}\n0000000000 65535 f \n", objects.len() + 1).as_bytes());
    for o in offsets {
        out.extend(format!("{o:010} 00000 n \n").as_bytes());
    }
    out.extend(
        format!(
            "trailer\n<< /Size {} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n",
            objects.len() + 1
        )
        .as_bytes(),
    );
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Adler-32 byte by byte (RFC 1950), over the rows built out.
    fn adler32(bytes: &[u8]) -> u32 {
        let (mut a, mut b) = (1u32, 0u32);
        for &x in bytes {
            a = (a + u32::from(x)) % 65521;
            b = (b + a) % 65521;
        }
        (b << 16) | a
    }

    #[test]
    fn the_row_sums_give_the_adler32_of_the_whole_image() {
        for (rgb, w, h) in [
            ([0, 0, 0], 1, 1),
            ([255, 254, 253], 3000, 40),
            ([1, 2, 3], 7, 900),
        ] {
            let row: Vec<u8> = std::iter::once(0)
                .chain(rgb.iter().copied().cycle().take(w * 3))
                .collect();
            assert_eq!(
                adler32_of_rows(&rgb, w * 3, h),
                adler32(&row.repeat(h)),
                "{w}x{h}"
            );
        }
    }
}
