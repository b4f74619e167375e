//! Prints what the reader understood of a report, for people checking the reader by eye.
//!
//! `cargo run -p kaikaku-reader --example dump -- FILE`

fn main() {
    let Some(path) = std::env::args().nth(1) else {
        eprintln!("usage: dump FILE");
        std::process::exit(2);
    };
    let bytes = match std::fs::read(&path) {
        Ok(bytes) => bytes,
        Err(e) => {
            eprintln!("{path}: {e}");
            std::process::exit(2);
        }
    };
    match kaikaku_reader::read(&bytes, &Default::default()) {
        Ok(report) => println!("{report:#?}"),
        Err(e) => {
            eprintln!("{path}: {e}");
            std::process::exit(2);
        }
    }
}
