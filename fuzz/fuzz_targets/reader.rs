//! The reader on arbitrary bytes: it never panics (overflow checks and debug assertions are
//! on in the fuzz build), and every line it names — each warning's, and the first line of a
//! text that is not a report — is a line of the decoded text.

#![no_main]

use kaikaku_reader::{Encoding, ReadError, ReadOptions};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|bytes: &[u8]| {
    // Detected encoding, and the first byte choosing a forced one now and then (the CLI's
    // `--encoding`), so the forced path is fuzzed too.
    let forced: Option<&'static Encoding> = match bytes.first() {
        Some(0xf0) => Encoding::for_label(b"shift_jis"),
        Some(0xf1) => Encoding::for_label(b"euc-jp"),
        _ => None,
    };
    let options = ReadOptions { encoding: forced };
    let decoded = kaikaku_reader::decode(bytes, forced);
    // The reader numbers the lines of the decoded text split at LF, from 1.
    let lines = decoded.text.split('\n').count();
    match kaikaku_reader::read(bytes, &options) {
        Ok(report) => {
            for warning in &report.warnings {
                assert!(
                    (1..=lines).contains(&warning.line),
                    "warning on line {} of a {lines}-line text: {}",
                    warning.line,
                    warning.message
                );
            }
        }
        Err(ReadError::NotAReport { line, .. }) => {
            assert!((1..=lines).contains(&line), "line {line} of {lines}");
        }
        // Not text (NUL bytes, or a large share of control characters), or more lines than
        // a report may have: refused before reading, nothing to place.
        Err(ReadError::Empty | ReadError::NotText | ReadError::TooManyLines { .. }) => {}
    }
});
