//! `briefing add` files articles without ever overwriting, and refuses duplicates.

use std::fs;
use std::path::Path;
use std::process::Command;

fn briefing(root: &Path, args: &[&str], stdin: Option<&str>) -> (i32, String, String) {
    let mut command = Command::new(env!("CARGO_BIN_EXE_briefing"));
    command.arg("add").arg("--root").arg(root).args(args);
    let output = if let Some(input) = stdin {
        use std::io::Write as _;
        command
            .stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped());
        let mut child = command.spawn().unwrap_or_else(|e| panic!("cannot run briefing: {e}"));
        if let Some(mut pipe) = child.stdin.take() {
            // A command that fails on its arguments exits before reading: a
            // broken pipe here is expected, and its exit code is what we check.
            let _ = pipe.write_all(input.as_bytes());
        }
        child.wait_with_output().unwrap_or_else(|e| panic!("{e}"))
    } else {
        command.output().unwrap_or_else(|e| panic!("cannot run briefing: {e}"))
    };
    (
        output.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&output.stdout).into_owned(),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

fn project() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let site = "title = \"T\"\n[[topics]]\nslug = \"scri\"\ntitle = \"SCRI\"\naliases = [\"SCRI\", \"Supply Chain Resilience Initiative\"]\n";
    fs::write(dir.path().join("site.toml"), site).unwrap_or_else(|e| panic!("{e}"));
    dir
}

#[test]
fn add_writes_a_dated_file_with_front_matter_and_reports_topics() {
    let dir = project();
    let text = "Japan and India hold SCRI talks\r\n\r\nThe Supply Chain Resilience Initiative met again.\r\n";
    let (code, out, err) = briefing(
        dir.path(),
        &["-", "--date", "2020-11-02", "--source", "Wire"],
        Some(text),
    );
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("feeds: scri"), "{out}");
    let path = dir
        .path()
        .join("content/articles/2020-11-02-japan-and-india-hold-scri-talks.txt");
    let written = fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    assert!(written.starts_with("+++\n"), "{written}");
    assert!(written.contains("title = \"Japan and India hold SCRI talks\""));
    assert!(written.contains("date = 2020-11-02") && written.contains("source = \"Wire\""));
    assert!(written.ends_with("The Supply Chain Resilience Initiative met again.\n"));
}

#[test]
fn same_slug_gets_a_new_name_and_same_text_is_refused() {
    let dir = project();
    let first = "Talks in Tokyo\n\nFirst report.\n";
    let second = "Talks in Tokyo\n\nSecond, different report.\n";
    assert_eq!(briefing(dir.path(), &["-", "--date", "2020-01-01"], Some(first)).0, 0);
    assert_eq!(briefing(dir.path(), &["-", "--date", "2020-01-01"], Some(second)).0, 0);
    let folder = dir.path().join("content/articles");
    assert!(folder.join("2020-01-01-talks-in-tokyo.txt").is_file());
    assert!(folder.join("2020-01-01-talks-in-tokyo-2.txt").is_file());
    let before = fs::read_to_string(folder.join("2020-01-01-talks-in-tokyo.txt")).unwrap_or_default();
    let (code, _, err) = briefing(
        dir.path(),
        &["-", "--date", "2021-05-05"],
        Some("Talks in Tokyo\r\n\r\nFirst report.  \r\n"),
    );
    assert_eq!(code, 1);
    assert!(err.contains("already in the briefing"), "{err}");
    assert_eq!(fs::read_dir(&folder).map(|d| d.count()).unwrap_or_default(), 2);
    assert_eq!(
        fs::read_to_string(folder.join("2020-01-01-talks-in-tokyo.txt")).unwrap_or_default(),
        before
    );
}

#[test]
fn a_date_that_does_not_exist_is_bad_usage() {
    let dir = project();
    let (code, _, err) = briefing(dir.path(), &["-", "--date", "2020-02-30"], Some("Text.\n"));
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("not a calendar date"), "{err}");
}

#[test]
fn cname_and_base_url_reach_the_output() {
    let dir = project();
    let site = fs::read_to_string(dir.path().join("site.toml")).unwrap_or_default();
    fs::write(
        dir.path().join("site.toml"),
        site.replacen(
            "title = \"T\"\n",
            "title = \"T\"\ncname = \"briefing.example.org\"\n",
            1,
        ),
    )
    .unwrap_or_else(|e| panic!("{e}"));
    let output = Command::new(env!("CARGO_BIN_EXE_briefing"))
        .args([
            "build",
            "--quiet",
            "--base-url",
            "https://me.github.io/briefing",
            "--root",
        ])
        .arg(dir.path())
        .output()
        .unwrap_or_else(|e| panic!("{e}"));
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    let public = dir.path().join("public");
    assert_eq!(
        fs::read_to_string(public.join("CNAME")).unwrap_or_default(),
        "briefing.example.org\n"
    );
    let sitemap = fs::read_to_string(public.join("sitemap.xml")).unwrap_or_default();
    assert!(
        sitemap.contains("<loc>https://me.github.io/briefing/</loc>"),
        "{sitemap}"
    );
    assert!(!sitemap.contains("briefing//"), "{sitemap}");
}
