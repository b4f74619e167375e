//! What a workbook must pass before calamine opens it: calamine reads the shared strings whole
//! when it opens a workbook, so a small zip holding one enormous string (a "zip bomb") would be
//! decompressed into memory before any cell is looked at.
//!
//! [`check`] walks the zip itself, streaming, in memory bounded by the limits: the file's size;
//! every part decompressed in fixed-size chunks and counted as it comes (the size the zip
//! declares is never trusted), stopping as soon as the total passes the limit; the cells
//! (`<c …>` elements, counted in the same pass by a byte scanner that needs no buffering); and,
//! once the total is known to be within bounds, each shared string's length (`<si>` of
//! `…sharedStrings.xml`, streamed with quick-xml). External links (`xl/externalLinks/…`, where
//! links to other workbooks and DDE links live) refuse the whole workbook.

use std::fmt;
use std::io::{BufReader, Cursor, Read};

use quick_xml::events::Event;
use zip::ZipArchive;

const MIB: u64 = 1024 * 1024;

/// The most a workbook may hold, checked before anything in it is read.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct WorkbookLimits {
    /// The file's size, in bytes (default 16 MiB).
    pub file_bytes: u64,
    /// The decompressed size of all parts of the zip together, in bytes (default 64 MiB).
    pub decompressed_bytes: u64,
    /// The cells (`<c>` elements) of all worksheets together (default 1,000,000).
    pub cells: u64,
    /// The characters of one shared string (default 32,767, what an Excel cell holds).
    pub shared_string_chars: u64,
}

impl Default for WorkbookLimits {
    fn default() -> WorkbookLimits {
        WorkbookLimits {
            file_bytes: kaikaku_model::Limits::default().file_bytes,
            decompressed_bytes: 64 * MIB,
            cells: 1_000_000,
            shared_string_chars: super::EXCEL_CELL_CHARS as u64,
        }
    }
}

/// Why a workbook was refused before it was opened, in Japanese.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(super) struct Refusal(pub String);

/// Checks `bytes` against `limits`, as described in the module docs.
pub(super) fn check(bytes: &[u8], limits: &WorkbookLimits) -> Result<(), Refusal> {
    let size = bytes.len() as u64;
    if size > limits.file_bytes {
        return refuse(format!(
            "ファイルが大きすぎます（{}。ブックは {} まで）",
            Size(size),
            Size(limits.file_bytes)
        ));
    }
    let mut archive =
        ZipArchive::new(Cursor::new(bytes)).map_err(|e| Refusal(unreadable(&e.to_string())))?;
    let mut names = Vec::with_capacity(archive.len());
    for index in 0..archive.len() {
        let name = match archive.name_for_index(index) {
            Some(Ok(name)) => shown(&name),
            Some(Err(e)) => return Err(Refusal(unreadable(&e.to_string()))),
            None => return Err(Refusal(unreadable("部品の一覧が壊れています"))),
        };
        if is_external_link(&name) {
            return refuse(format!(
                "外部リンク（{name}）があるため読み込めません。他のブックへのリンクやDDEリンクは\
                 使えません。リンクを削除し、値だけを入力してから読み込んでください"
            ));
        }
        names.push(name);
    }

    let mut total = 0u64;
    let mut cells = CellCounter::default();
    let mut chunk = vec![0u8; 64 * 1024];
    for (index, name) in names.iter().enumerate() {
        let mut part = archive
            .by_index(index)
            .map_err(|e| Refusal(unreadable(&format!("{name}: {e}"))))?;
        loop {
            let read = part
                .read(&mut chunk)
                .map_err(|e| Refusal(unreadable(&format!("{name}: {e}"))))?;
            if read == 0 {
                break;
            }
            total += read as u64;
            if total > limits.decompressed_bytes {
                return refuse(format!(
                    "展開後の大きさが上限の {} を超えます（{name} の展開中に超えました）",
                    Size(limits.decompressed_bytes)
                ));
            }
            cells.scan(&chunk[..read]);
            if cells.count > limits.cells {
                return refuse(format!(
                    "セルの数が上限の {} 個を超えます（{name} まで数えた時点で）",
                    Thousands(limits.cells)
                ));
            }
        }
    }

    for (index, name) in names.iter().enumerate() {
        if !name.to_ascii_lowercase().ends_with("sharedstrings.xml") {
            continue;
        }
        let part = archive
            .by_index(index)
            .map_err(|e| Refusal(unreadable(&format!("{name}: {e}"))))?;
        check_shared_strings(part, name, limits.shared_string_chars)?;
    }
    Ok(())
}

fn refuse(message: String) -> Result<(), Refusal> {
    Err(Refusal(message))
}

fn unreadable(why: &str) -> String {
    format!("XLSXとして読めません（{why}）")
}

/// A part of an external link (another workbook or a DDE link).
fn is_external_link(name: &str) -> bool {
    name.to_ascii_lowercase().contains("externallinks/")
}

/// A part name as a message shows it: control characters replaced.
fn shown(name: &str) -> String {
    name.chars()
        .map(|c| if c.is_control() { '\u{FFFD}' } else { c })
        .collect()
}

/// Each `<si>` of a shared-strings part against `limit` characters: the text of its `<t>`
/// elements (a rich text has several), phonetic runs (`<rPh>`) left out as calamine leaves
/// them out; an entity counts as one character. The part's size was checked before, so the
/// longest text quick-xml buffers is bounded by the decompressed-size limit.
fn check_shared_strings(part: impl Read, name: &str, limit: u64) -> Result<(), Refusal> {
    let mut xml = quick_xml::Reader::from_reader(BufReader::new(part));
    let config = xml.config_mut();
    config.check_end_names = false;
    config.check_comments = false;
    config.trim_text(false);
    let mut buf = Vec::new();
    let (mut number, mut chars) = (0u64, 0u64);
    let (mut in_text, mut phonetic) = (false, false);
    loop {
        buf.clear();
        let event = xml
            .read_event_into(&mut buf)
            .map_err(|e| Refusal(unreadable(&format!("{name}: {e}"))))?;
        match event {
            Event::Start(e) => match e.local_name().as_ref() {
                "si" => {
                    number += 1;
                    chars = 0;
                }
                "rPh" => phonetic = true,
                "t" => in_text = true,
                _ => {}
            },
            Event::End(e) => match e.local_name().as_ref() {
                "rPh" => phonetic = false,
                "t" => in_text = false,
                _ => {}
            },
            Event::Text(text) if in_text && !phonetic => chars += text.chars().count() as u64,
            Event::CData(text) if in_text && !phonetic => chars += text.chars().count() as u64,
            Event::GeneralRef(_) if in_text && !phonetic => chars += 1,
            Event::Eof => return Ok(()),
            _ => {}
        }
        if chars > limit {
            return refuse(format!(
                "{number}番目の共有文字列が長すぎます（{name}。1セルの上限は {} 文字）",
                Thousands(limit)
            ));
        }
    }
}

/// Counts the cell elements of SpreadsheetML (`<c>`, `<c …>`, `<c/>`, with or without a
/// namespace prefix such as `<x:c …>`) in a stream of bytes given in chunks of any size,
/// without buffering: `<col>`, `<c:chart>` and `</c>` are not cells.
#[derive(Debug, Default)]
struct CellCounter {
    count: u64,
    /// Inside a tag name, just after `<`.
    in_name: bool,
    /// Length of the name's current segment (after `<` or the prefix's `:`).
    segment: usize,
    /// Whether that segment begins with `c`.
    segment_is_c: bool,
}

impl CellCounter {
    fn scan(&mut self, bytes: &[u8]) {
        for &b in bytes {
            if b == b'<' {
                self.in_name = true;
                self.segment = 0;
                self.segment_is_c = false;
                continue;
            }
            if !self.in_name {
                continue;
            }
            if b.is_ascii_alphanumeric() || matches!(b, b'_' | b'-' | b'.') {
                if self.segment == 0 {
                    self.segment_is_c = b == b'c';
                }
                self.segment += 1;
            } else if b == b':' && self.segment > 0 {
                self.segment = 0;
                self.segment_is_c = false;
            } else {
                if self.segment == 1
                    && self.segment_is_c
                    && matches!(b, b' ' | b'\t' | b'\r' | b'\n' | b'/' | b'>')
                {
                    self.count += 1;
                }
                self.in_name = false;
            }
        }
    }
}

/// A size in messages: `64 MiB` when whole mebibytes, else bytes with separators.
struct Size(u64);

impl fmt::Display for Size {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.0 >= MIB && self.0 % MIB == 0 {
            write!(f, "{} MiB", self.0 / MIB)
        } else {
            write!(f, "{} バイト", Thousands(self.0))
        }
    }
}

/// `1,000,000`.
struct Thousands(u64);

impl fmt::Display for Thousands {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let digits = self.0.to_string();
        let mut out = String::new();
        for (i, c) in digits.chars().enumerate() {
            if i > 0 && (digits.len() - i) % 3 == 0 {
                out.push(',');
            }
            out.push(c);
        }
        f.write_str(&out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cells_are_counted_across_chunks_and_prefixes() {
        let xml = b"<row r=\"1\"><c r=\"A1\" t=\"s\"><v>0</v></c><x:c r=\"B1\"/><c>\
                    </c><col min=\"1\"/><c:chart/><cx/></row><c\n/>";
        for size in [1, 2, 3, 7, xml.len()] {
            let mut counter = CellCounter::default();
            for chunk in xml.chunks(size) {
                counter.scan(chunk);
            }
            assert_eq!(counter.count, 4, "chunks of {size}");
        }
    }

    #[test]
    fn numbers_in_messages() {
        assert_eq!(Size(64 * MIB).to_string(), "64 MiB");
        assert_eq!(Size(1_500).to_string(), "1,500 バイト");
        assert_eq!(Thousands(1_000_000).to_string(), "1,000,000");
        assert_eq!(Thousands(999).to_string(), "999");
    }
}
