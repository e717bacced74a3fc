//! Replays every input the fuzzers kept (`fuzz/corpus/<target>/`) and every
//! crash kept as a regression (`fuzz/artifacts/<target>/`) through the same
//! checks the fuzz targets run (`fuzz/src/lib.rs`, included here), so a fixed
//! crash stays fixed and an interesting input stays harmless on stable Rust,
//! without cargo-fuzz or nightly.

#[path = "../fuzz/src/lib.rs"]
mod checks;

use std::fs;
use std::path::{Path, PathBuf};

type Check = fn(&[u8]);

const TARGETS: [(&str, Check); 4] = [
    ("parse_article", checks::check_parse_article),
    ("front_matter", checks::check_front_matter),
    ("acronyms", checks::check_acronyms),
    ("dates", checks::check_dates),
];

fn fuzz_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("fuzz")
}

/// The files of `dir`, sorted; none when it does not exist.
fn files(dir: &Path) -> Vec<PathBuf> {
    let mut found: Vec<PathBuf> = fs::read_dir(dir)
        .map(|entries| entries.flatten().map(|e| e.path()).filter(|p| p.is_file()).collect())
        .unwrap_or_default();
    found.sort();
    found
}

/// Runs `check` on every file, naming the file that fails.
fn replay(target: &str, check: Check, inputs: &[PathBuf]) {
    for input in inputs {
        let bytes = fs::read(input).unwrap_or_else(|e| panic!("cannot read {}: {e}", input.display()));
        let outcome = std::panic::catch_unwind(|| check(&bytes));
        assert!(
            outcome.is_ok(),
            "{target}: {} fails its checks (reproduce with `cargo +nightly fuzz run {target} {}`)",
            input.display(),
            input.display()
        );
    }
}

#[test]
fn every_corpus_input_passes_its_checks() {
    for (target, check) in TARGETS {
        let corpus = files(&fuzz_dir().join("corpus").join(target));
        assert!(
            !corpus.is_empty(),
            "fuzz/corpus/{target}/ is missing or empty: the corpus must be committed"
        );
        replay(target, check, &corpus);
        eprintln!("{target}: {} corpus inputs replayed", corpus.len());
    }
}

#[test]
fn every_kept_crash_stays_fixed() {
    let mut kept = 0;
    for (target, check) in TARGETS {
        let artifacts = files(&fuzz_dir().join("artifacts").join(target));
        kept += artifacts.len();
        replay(target, check, &artifacts);
    }
    assert!(kept >= 2, "the regressions in fuzz/artifacts/ are missing");
}
