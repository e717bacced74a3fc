//! The browser suite (`tests/browser/`, Node + playwright-core driving
//! Debian's Chromium), run from `cargo test`: builds the bundled briefing and
//! runs `site.mjs` against it (links, console, search, axe in both themes,
//! screenshots into `target/screenshots/`), then `serve.mjs` against
//! `briefing serve` on a copy of the project (live reload, error overlay),
//! and `segments.mjs` against a briefing of 540 articles, whose search index
//! has several segments.
//!
//! Needs node, Chromium and `npm ci --prefix tests/browser`, which `.ci/run`
//! installs. Run by hand without them, it prints `skipped: …` and passes;
//! with `CI=true` it fails instead.

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn suite() -> PathBuf {
    repo().join("tests/browser")
}

fn chromium() -> PathBuf {
    std::env::var_os("BRIEFING_CHROMIUM").map_or_else(|| PathBuf::from("/usr/bin/chromium"), PathBuf::from)
}

/// What the suite needs and is missing, if anything.
fn missing() -> Option<String> {
    let node = Command::new("node").arg("--version").output();
    if !node.is_ok_and(|o| o.status.success()) {
        return Some("node is not installed".into());
    }
    if !chromium().is_file() {
        return Some(format!("no Chromium at {}", chromium().display()));
    }
    for package in ["playwright-core", "axe-core"] {
        if !suite().join("node_modules").join(package).is_dir() {
            return Some(format!(
                "tests/browser/node_modules/{package} is missing (run `npm ci --prefix tests/browser`)"
            ));
        }
    }
    None
}

/// Runs one script of the suite, printing what it said; panics if it failed.
fn node(script: &str, args: &[&Path]) {
    let mut command = Command::new("node");
    command.current_dir(suite()).arg(script).args(args);
    let output = command
        .output()
        .unwrap_or_else(|e| panic!("cannot run node {script}: {e}"));
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    println!("--- node {script}\n{stdout}{stderr}");
    assert!(
        output.status.success(),
        "node {script} failed ({}):\n{stdout}\n{stderr}",
        output.status
    );
}

/// Whether the suite can run here; if not, says that `what` was skipped and
/// why (and fails under `CI=true`).
fn ready(what: &str) -> bool {
    let Some(reason) = missing() else { return true };
    assert!(
        std::env::var("CI").as_deref() != Ok("true"),
        "the browser suite cannot run in CI: {reason}"
    );
    println!("skipped: {what}: {reason}");
    false
}

#[test]
fn the_site_and_briefing_serve_work_in_chromium() {
    if !ready("the browser suite") {
        return;
    }
    let bin = PathBuf::from(env!("CARGO_BIN_EXE_briefing"));
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));

    // The bundled briefing, built by the binary as a user would.
    let public = dir.path().join("public");
    let built = Command::new(&bin)
        .args(["build", "--quiet", "--root"])
        .arg(repo())
        .arg("--output")
        .arg(&public)
        .output()
        .unwrap_or_else(|e| panic!("cannot run briefing: {e}"));
    assert!(
        built.status.success(),
        "briefing build failed: {}",
        String::from_utf8_lossy(&built.stderr)
    );
    // target/screenshots/, beside the other build products.
    let screenshots = Path::new(env!("CARGO_TARGET_TMPDIR"))
        .parent()
        .map_or_else(|| dir.path().join("screenshots"), |target| target.join("screenshots"));
    node(
        "site.mjs",
        &[Path::new("--site"), &public, Path::new("--screenshots"), &screenshots],
    );

    // briefing serve on a copy of the project, which the script edits.
    let project = dir.path().join("project");
    common::copy_project(&repo(), &project).unwrap_or_else(|e| panic!("cannot copy the project: {e:#}"));
    node(
        "serve.mjs",
        &[Path::new("--briefing"), &bin, Path::new("--project"), &project],
    );
}

#[test]
fn search_finds_every_record_across_the_index_segments() {
    if !ready("the browser search test") {
        return;
    }
    // The bundled articles, 270 copies of each: two segments of articles
    // (512 records, then 28) and the topics' and terms'.
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let project = dir.path().join("project");
    common::copy_project(&repo(), &project).unwrap_or_else(|e| panic!("cannot copy the project: {e:#}"));
    let articles = project.join("content/articles");
    let bundled: Vec<PathBuf> = std::fs::read_dir(&articles)
        .unwrap_or_else(|e| panic!("{e}"))
        .map(|entry| entry.unwrap_or_else(|e| panic!("{e}")).path())
        .collect();
    for path in &bundled {
        let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{e}"));
        let stem = path.file_stem().unwrap_or_default().to_string_lossy().to_string();
        for n in 1..270 {
            std::fs::write(articles.join(format!("{stem}-{n:03}.txt")), &text).unwrap_or_else(|e| panic!("{e}"));
        }
    }
    let public = dir.path().join("public");
    let built = Command::new(env!("CARGO_BIN_EXE_briefing"))
        .args(["build", "--quiet", "--root"])
        .arg(&project)
        .arg("--output")
        .arg(&public)
        .output()
        .unwrap_or_else(|e| panic!("cannot run briefing: {e}"));
    assert!(built.status.success(), "{}", String::from_utf8_lossy(&built.stderr));

    // What the index holds for the word, read from its files.
    let word = "ipoi";
    let data = |name: &str| -> serde_json::Value {
        let text = std::fs::read_to_string(public.join(format!("search/data/{name}.js")))
            .unwrap_or_else(|e| panic!("{name}: {e}"));
        let head = format!("briefingSearch({},", serde_json::json!(name));
        let body = text
            .strip_prefix(&head)
            .and_then(|t| t.strip_suffix(");\n"))
            .unwrap_or_else(|| panic!("{name}: not one briefingSearch call"));
        serde_json::from_str(body).unwrap_or_else(|e| panic!("{name}: {e}"))
    };
    let meta = data("meta");
    let segments = meta["segments"].as_array().cloned().unwrap_or_default();
    assert!(segments.len() >= 3, "{} segments", segments.len());
    let mut ids = std::collections::BTreeSet::new();
    for segment in &segments {
        let (name, first, prefix) = (segment[0].as_str(), segment[1].as_u64(), segment[2].as_u64());
        let (Some(name), Some(first), Some(prefix)) = (name, first, prefix) else {
            panic!("a segment of meta.js is not [name, first, prefix, shards]: {segment}");
        };
        let key: String = word.bytes().take(prefix as usize).map(|b| format!("{b:02x}")).collect();
        if !segment[3]
            .as_array()
            .is_some_and(|shards| shards.iter().any(|s| s == &key))
        {
            continue;
        }
        let shard = data(&format!("t/{name}-{key}"));
        for (term, postings) in shard.as_object().into_iter().flatten() {
            if !term.starts_with(word) {
                continue;
            }
            let numbers: Vec<u64> = postings
                .as_array()
                .into_iter()
                .flatten()
                .filter_map(|n| n.as_u64())
                .collect();
            let mut id = first;
            for pair in numbers.chunks(2) {
                id += pair[0];
                ids.insert(id);
            }
        }
    }
    assert!(ids.len() > 512, "{} records hold {word}", ids.len());
    let expect = ids.len().to_string();
    node(
        "segments.mjs",
        &[
            Path::new("--site"),
            &public,
            Path::new("--query"),
            Path::new("IPOI"),
            Path::new("--expect"),
            Path::new(&expect),
            Path::new("--first"),
            Path::new("topics/ipoi/index.html"),
        ],
    );
}
