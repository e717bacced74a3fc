//! The browser suite (`tests/browser/`, Node + playwright-core driving
//! Debian's Chromium), run from `cargo test`: builds the bundled briefing and
//! runs `site.mjs` against it (links, console, search, axe in both themes,
//! screenshots into `target/screenshots/`), then `serve.mjs` against
//! `briefing serve` on a copy of the project (live reload, error overlay).
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

#[test]
fn the_site_and_briefing_serve_work_in_chromium() {
    if let Some(reason) = missing() {
        assert!(
            std::env::var("CI").as_deref() != Ok("true"),
            "the browser suite cannot run in CI: {reason}"
        );
        println!("skipped: the browser suite: {reason}");
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
