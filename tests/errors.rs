//! The error catalogue: one test per kind of bad input. Each builds a real
//! project in a temporary folder, builds a good site first, then spoils the
//! input and runs the `briefing` binary: `check` and `build` must exit 1 (or
//! 0 with a warning where the build can honestly go on), print a message
//! naming the file and, where it has one, the line and column, and leave the
//! previous site byte for byte as it was.
//!
//! Every message is printed as `catalogue: …`, so
//! `cargo test --test errors -- --nocapture 2>&1 | grep catalogue:` lists them.

use anyhow::{bail, ensure, Context as _, Result};
use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;
use tempfile::TempDir;

// ---------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------

const SITE_TOML: &str = r#"title = "Test briefing"
[[topics]]
slug = "talks"
title = "Talks"
aliases = ["talks"]

[[topics]]
slug = "cyber"
title = "Cyber"
aliases = ["cyber"]
"#;

const GOOD_ARTICLE: &str = "India and Japan held talks in Tokyo. The cyber agreement followed the talks.\n";

/// A project in a temporary folder: `site.toml` with two topics and one good article.
struct Project {
    dir: TempDir,
}

/// What one run of the binary did.
struct Run {
    code: Option<i32>,
    stdout: String,
    stderr: String,
}

impl Project {
    fn new() -> Result<Project> {
        let project = Project {
            dir: tempfile::tempdir()?,
        };
        project.write("site.toml", SITE_TOML)?;
        project.write("content/2020-10-07-good.txt", GOOD_ARTICLE)?;
        Ok(project)
    }

    fn root(&self) -> &Path {
        self.dir.path()
    }

    fn output(&self) -> PathBuf {
        self.root().join("public")
    }

    fn write(&self, rel: &str, bytes: impl AsRef<[u8]>) -> Result<()> {
        let path = self.root().join(rel);
        if let Some(parent) = path.parent() {
            fs::create_dir_all(parent)?;
        }
        fs::write(&path, bytes).with_context(|| format!("writing {}", path.display()))
    }

    /// Runs `briefing <args>` in the project folder.
    fn run(&self, args: &[&str]) -> Result<Run> {
        run_in(self.root(), Command::new(env!("CARGO_BIN_EXE_briefing")).args(args))
    }

    /// Builds the good site, so that a later failed build has something to keep.
    fn build_good(&self) -> Result<BTreeMap<PathBuf, Vec<u8>>> {
        let run = self.run(&["build", "-q"])?;
        ensure!(run.code == Some(0), "the good site did not build: {}", run.stderr);
        snapshot(&self.output())
    }
}

fn run_in(root: &Path, command: &mut Command) -> Result<Run> {
    let output = command.current_dir(root).output().context("running briefing")?;
    Ok(Run {
        code: output.status.code(),
        stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
    })
}

/// Every file under `dir` with its bytes (symbolic links are not followed).
fn snapshot(dir: &Path) -> Result<BTreeMap<PathBuf, Vec<u8>>> {
    let mut files = BTreeMap::new();
    let mut pending = vec![dir.to_path_buf()];
    while let Some(folder) = pending.pop() {
        for entry in fs::read_dir(&folder).with_context(|| format!("reading {}", folder.display()))? {
            let entry = entry?;
            let kind = entry.file_type()?;
            let path = entry.path();
            if kind.is_dir() {
                pending.push(path);
            } else {
                let rel = path.strip_prefix(dir)?.to_path_buf();
                files.insert(rel, fs::read(&path)?);
            }
        }
    }
    Ok(files)
}

/// The names in `dir` other than the project's own, so that a test can see
/// that a failed build left no staging folder behind.
fn entries(dir: &Path) -> Result<Vec<String>> {
    let mut names: Vec<String> = fs::read_dir(dir)?
        .map(|e| e.map(|e| e.file_name().to_string_lossy().into_owned()))
        .collect::<Result<_, _>>()?;
    names.sort();
    Ok(names)
}

/// Builds a good site, lets `spoil` break the project, then checks that
/// `check` and `build` both exit 1 and print every line of `expected` (each a
/// whole diagnostic line), and that the previous site is untouched.
fn assert_refused(row: &str, spoil: impl FnOnce(&Project) -> Result<()>, expected: &[&str]) -> Result<()> {
    let project = Project::new()?;
    let before = project.build_good()?;
    let names_before = entries(project.root())?;
    spoil(&project)?;
    for command in ["check", "build"] {
        let run = project.run(&[command])?;
        ensure!(
            run.code == Some(1),
            "{row}: `briefing {command}` exited {:?}, expected 1\nstderr:\n{}",
            run.code,
            run.stderr
        );
        let lines: Vec<&str> = run.stderr.lines().collect();
        for line in expected {
            ensure!(
                lines.contains(line),
                "{row}: `briefing {command}` did not print\n  {line}\nstderr:\n{}",
                run.stderr
            );
        }
        ensure!(
            !run.stderr.contains("panicked"),
            "{row}: `briefing {command}` panicked:\n{}",
            run.stderr
        );
    }
    for line in expected {
        eprintln!("catalogue: {row}: {line}");
    }
    ensure!(
        snapshot(&project.output())? == before,
        "{row}: the failed build changed the previous site"
    );
    let names_after = entries(project.root())?;
    ensure!(
        names_after
            .iter()
            .all(|n| names_before.contains(n) || !n.contains("briefing-new")),
        "{row}: a staging folder was left behind: {names_after:?}"
    );
    Ok(())
}

/// Lets `spoil` change the project, then checks that `check` and `build` both
/// succeed and print every line of `expected` as a warning. Returns the built site.
fn assert_warned(
    row: &str,
    spoil: impl FnOnce(&Project) -> Result<()>,
    expected: &[&str],
) -> Result<(Project, BTreeMap<PathBuf, Vec<u8>>)> {
    let project = Project::new()?;
    spoil(&project)?;
    for command in ["check", "build"] {
        let run = project.run(&[command])?;
        ensure!(
            run.code == Some(0),
            "{row}: `briefing {command}` exited {:?}, expected 0\nstderr:\n{}",
            run.code,
            run.stderr
        );
        let lines: Vec<&str> = run.stderr.lines().collect();
        for line in expected {
            ensure!(
                lines.contains(line),
                "{row}: `briefing {command}` did not print\n  {line}\nstderr:\n{}",
                run.stderr
            );
        }
    }
    for line in expected {
        eprintln!("catalogue: {row}: {line}");
    }
    let site = snapshot(&project.output())?;
    Ok((project, site))
}

/// The text of every element matching `selector` on one page of `site`.
fn texts(site: &BTreeMap<PathBuf, Vec<u8>>, page: &str, selector: &str) -> Result<Vec<String>> {
    let html = site
        .get(Path::new(page))
        .with_context(|| format!("no page {page} in {:?}", site.keys().collect::<Vec<_>>()))?;
    let document = scraper::Html::parse_document(&String::from_utf8_lossy(html));
    let selector = scraper::Selector::parse(selector).map_err(|e| anyhow::anyhow!("{e:?}"))?;
    Ok(document
        .select(&selector)
        .map(|e| e.text().collect::<String>().trim().to_string())
        .collect())
}

/// True when tests must not skip: CI sets `CI=true`.
fn in_ci() -> bool {
    std::env::var("CI").is_ok_and(|v| v == "true")
}

// ---------------------------------------------------------------------------
// Encodings and file kinds
// ---------------------------------------------------------------------------

#[test]
fn invalid_utf8_names_file_and_byte_and_reports_every_bad_file() -> Result<()> {
    assert_refused(
        "invalid UTF-8",
        |p| {
            p.write("content/2020-10-08-bad.txt", b"First line.\nBad \xff byte.\n")?;
            p.write("content/2020-10-09-worse.txt", b"\xc3(")
        },
        &[
            "content/2020-10-08-bad.txt:2:5: error: invalid UTF-8 at byte 16: save the file as UTF-8",
            "content/2020-10-09-worse.txt:1:1: error: invalid UTF-8 at byte 0: save the file as UTF-8",
            "error: found 2 errors",
        ],
    )
}

#[test]
fn utf16_with_a_byte_order_mark_is_decoded() -> Result<()> {
    let text = "Japan and India held talks on 5G.\nA second passage.\n";
    let (_, site) = assert_warned(
        "UTF-16 with BOM",
        |p| {
            let mut little = vec![0xFF, 0xFE];
            little.extend(text.encode_utf16().flat_map(u16::to_le_bytes));
            p.write("content/2020-10-08-little.txt", little)?;
            let mut big = vec![0xFE, 0xFF];
            big.extend(text.encode_utf16().flat_map(u16::to_be_bytes));
            p.write("content/2020-10-09-big.txt", big)
        },
        &[],
    )?;
    for slug in ["little", "big"] {
        let passages = texts(&site, &format!("articles/{slug}/index.html"), "[id=p2]")?;
        ensure!(
            passages.len() == 1 && passages[0].starts_with("A second passage."),
            "{slug}: {passages:?}"
        );
    }
    eprintln!("catalogue: UTF-16 with BOM: decoded (little- and big-endian), no message");
    Ok(())
}

#[test]
fn an_empty_file_is_a_warning() -> Result<()> {
    assert_warned(
        "empty file",
        |p| p.write("content/2020-10-08-empty.txt", ""),
        &["content/2020-10-08-empty.txt: warning: article has no text"],
    )?;
    Ok(())
}

#[test]
fn a_binary_file_is_refused_and_other_files_skipped() -> Result<()> {
    assert_refused(
        "binary file",
        |p| {
            p.write("content/2020-10-08-photo.txt", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")?;
            p.write("content/photo.png", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")
        },
        &[
            "content/2020-10-08-photo.txt: error: binary file: articles must be text (UTF-8)",
            "content/photo.png: warning: skipped: not an article (articles end in .txt or .md)",
        ],
    )
}

// ---------------------------------------------------------------------------
// Front matter
// ---------------------------------------------------------------------------

#[test]
fn unterminated_front_matter() -> Result<()> {
    assert_refused(
        "unterminated front matter",
        |p| p.write("content/2020-10-08-open.md", "+++\ntitle = \"Open\"\n\nThe text.\n"),
        &["content/2020-10-08-open.md:1:1: error: front matter opened with `+++` is never closed: add a line `+++` after it"],
    )
}

#[test]
fn front_matter_key_of_the_wrong_type() -> Result<()> {
    assert_refused(
        "front-matter key of wrong type",
        |p| p.write("content/2020-10-08-typed.md", "+++\ntitle = 2020\n+++\nThe text.\n"),
        &["content/2020-10-08-typed.md:2:9: error: `title` must be a string in quotes, found an integer"],
    )
}

#[test]
fn unknown_key_gets_did_you_mean() -> Result<()> {
    assert_refused(
        "unknown front-matter key",
        |p| {
            p.write(
                "content/2020-10-08-typo.md",
                "+++\ntitle = \"T\"\nsoruce = \"Wire\"\n+++\nThe text.\n",
            )
        },
        &["content/2020-10-08-typo.md:3:1: error: unknown front-matter key `soruce`: did you mean `source`?"],
    )?;
    assert_refused(
        "unknown site.toml key",
        |p| {
            p.write(
                "site.toml",
                SITE_TOML.replace("aliases = [\"cyber\"]", "alaises = [\"cyber\"]"),
            )
        },
        &["site.toml:10:1: error: unknown key `alaises`: did you mean `aliases`?"],
    )
}

#[test]
fn a_date_that_does_not_exist() -> Result<()> {
    assert_refused(
        "date that does not exist",
        |p| {
            p.write("content/leap.md", "+++\ndate = 2020-02-30\n+++\nThe text.\n")?;
            p.write("content/quoted.md", "+++\ndate = \"2021-02-29\"\n+++\nThe text.\n")?;
            p.write("content/2020-02-30-named.txt", "The text.\n")
        },
        &[
            "content/leap.md:2:8: error: `date = 2020-02-30` is not a calendar date: expected YYYY-MM-DD",
            "content/quoted.md:2:8: error: `date = 2021-02-29` is not a calendar date: expected YYYY-MM-DD",
            "content/2020-02-30-named.txt: error: the file name starts with 2020-02-30, which is not a calendar date: rename the file (YYYY-MM-DD-…)",
        ],
    )
}

#[test]
fn two_articles_with_the_same_slug() -> Result<()> {
    assert_refused(
        "two articles with the same slug",
        |p| p.write("content/2020-10-08-other.md", "+++\nslug = \"good\"\n+++\nThe text.\n"),
        &["content/2020-10-08-other.md: error: two articles have the slug \"good\" (the other is content/2020-10-07-good.txt): rename one file or set `slug` in its front matter"],
    )
}

// ---------------------------------------------------------------------------
// site.toml
// ---------------------------------------------------------------------------

#[test]
fn an_alias_claimed_by_two_topics() -> Result<()> {
    assert_refused(
        "alias claimed by two topics",
        |p| p.write("site.toml", SITE_TOML.replace("aliases = [\"cyber\"]", "aliases = [\"cyber\", \"Talks\"]")),
        &["site.toml:10:21: error: alias \"Talks\" is claimed by two topics, \"talks\" and \"cyber\": an alias must name one topic"],
    )
}

#[test]
fn slugs_that_are_not_url_safe_are_refused_and_nothing_is_written_outside() -> Result<()> {
    let cases = [
        ("Bad Slug", r#""Bad Slug""#, "\"bad-slug\""),
        ("../../x", r#""../../x""#, "\"x\""),
        ("/tmp/x", r#""/tmp/x""#, "\"tmp-x\""),
        ("C:\\x", r#""C:\\x""#, "\"c-x\""),
    ];
    for (slug, written, suggestion) in cases {
        let topic = format!(
            "site.toml:3:8: error: topic slug {slug:?} is not URL-safe: use lowercase letters, digits and hyphens, e.g. {suggestion}"
        );
        let article = format!(
            "content/2020-10-08-slug.md:2:8: error: `slug = {slug:?}` is not URL-safe: use lowercase letters, digits and hyphens, e.g. {suggestion}"
        );
        assert_refused(
            "topic slug not URL-safe",
            |p| p.write("site.toml", SITE_TOML.replacen("\"talks\"", written, 1)),
            &[topic.as_str()],
        )?;
        assert_refused(
            "article slug not URL-safe",
            |p| {
                p.write(
                    "content/2020-10-08-slug.md",
                    format!("+++\nslug = {written}\n+++\nThe talks.\n"),
                )
            },
            &[article.as_str()],
        )?;
    }
    Ok(())
}

// ---------------------------------------------------------------------------
// Templates
// ---------------------------------------------------------------------------

/// The built-in topic template with one line replaced.
fn topic_template_with(old: &str, new: &str) -> Result<String> {
    let original = include_str!("../templates/topic.html");
    ensure!(original.contains(old), "templates/topic.html no longer holds {old:?}");
    Ok(original.replacen(old, new, 1))
}

/// The 1-based line of `needle` in `text`.
fn line_of(text: &str, needle: &str) -> usize {
    text.lines().position(|l| l.contains(needle)).map_or(0, |i| i + 1)
}

#[test]
fn a_missing_template_is_refused_even_where_the_content_never_reaches_it() -> Result<()> {
    // The include sits inside `{% if events %}`; the test site has no events,
    // so only a check of the template itself can find it.
    let template = topic_template_with("{% include \"events.html\" %}", "{% include \"timeline-list.html\" %}")?;
    let line = line_of(&template, "timeline-list.html");
    let include = format!("templates/topic.html:{line}:14: error: includes \"timeline-list.html\", which is neither in templates/ nor built in");
    assert_refused(
        "missing template (include)",
        |p| p.write("templates/topic.html", &template),
        &[include.as_str()],
    )?;
    assert_refused(
        "missing template (extends)",
        |p| p.write("templates/article.html", "{% extends \"layout.html\" %}\n"),
        &["templates/article.html:1:12: error: extends \"layout.html\", which is neither in templates/ nor built in"],
    )
}

#[test]
fn a_tera_syntax_error_names_file_and_line() -> Result<()> {
    assert_refused(
        "Tera syntax error",
        |p| p.write("templates/topic.html", "{% extends \"base.html\" %}\n{% block main %}\n<h1>{{ topic.title </h1>\n{% endblock %}\n"),
        &["templates/topic.html:3:21: error: syntax error: expected an expression or a string or a concatenation of strings"],
    )
}

#[test]
fn a_template_calling_an_unknown_filter() -> Result<()> {
    let template = topic_template_with("<h1>{{ topic.title }}</h1>", "<h1>{{ topic.title | shout }}</h1>")?;
    let line = line_of(&template, "| shout");
    let filter = format!("templates/topic.html:{line}:24: error: unknown filter `shout`");
    assert_refused(
        "unknown filter",
        |p| p.write("templates/topic.html", &template),
        &[filter.as_str()],
    )
}

// ---------------------------------------------------------------------------
// Size
// ---------------------------------------------------------------------------

/// A 50 MB article on one line builds, within 2 GB of memory. Slow in a debug
/// build; run with `cargo test --release --test errors -- --ignored huge`.
#[test]
#[ignore = "about two minutes in a debug build; run by hand with --release"]
fn a_huge_one_line_article_builds_within_two_gigabytes() -> Result<()> {
    let project = Project::new()?;
    let words = [
        "India", "and", "Japan", "held", "talks", "on", "cyber", "security", "in", "Tokyo",
    ];
    let mut text = String::with_capacity(50 << 20);
    let mut i = 0usize;
    while text.len() < 50 << 20 {
        text.push_str(words[i % words.len()]);
        text.push(' ');
        i = i.wrapping_mul(31).wrapping_add(7) % 1_000_003;
    }
    text.push('\n');
    project.write("content/2020-10-08-huge.txt", &text)?;
    let time = Path::new("/usr/bin/time");
    if !time.exists() {
        ensure!(!in_ci(), "/usr/bin/time is missing (Debian package `time`)");
        eprintln!("skipped: /usr/bin/time is missing, so peak memory cannot be measured");
        return Ok(());
    }
    let run = run_in(
        project.root(),
        Command::new(time).args(["-v", env!("CARGO_BIN_EXE_briefing"), "build", "-q"]),
    )?;
    ensure!(run.code == Some(0), "the huge article did not build:\n{}", run.stderr);
    let peak_kb: u64 = run
        .stderr
        .lines()
        .find_map(|l| l.trim().strip_prefix("Maximum resident set size (kbytes): "))
        .and_then(|v| v.trim().parse().ok())
        .context("no peak memory in /usr/bin/time's report")?;
    let elapsed = run
        .stderr
        .lines()
        .find_map(|l| l.trim().strip_prefix("Elapsed (wall clock) time (h:mm:ss or m:ss): "))
        .unwrap_or("?");
    eprintln!(
        "catalogue: 50 MB one-line article: built in {elapsed}, peak RSS {} MB",
        peak_kb / 1024
    );
    ensure!(peak_kb < 2 * 1024 * 1024, "peak memory {peak_kb} kB is over 2 GB");
    let site = snapshot(&project.output())?;
    ensure!(site.contains_key(Path::new("articles/huge/index.html")));
    Ok(())
}

// ---------------------------------------------------------------------------
// The file system
// ---------------------------------------------------------------------------

#[test]
fn a_symlink_loop_under_content_is_skipped() -> Result<()> {
    assert_warned(
        "symlink loop",
        |p| {
            fs::create_dir_all(p.root().join("content/a"))?;
            std::os::unix::fs::symlink("../a", p.root().join("content/a/loop"))?;
            std::os::unix::fs::symlink("self.txt", p.root().join("content/self.txt"))?;
            Ok(())
        },
        &[
            "content/a/loop: warning: skipped a symbolic link: articles are read only from regular files inside content/",
            "content/self.txt: warning: skipped a symbolic link: articles are read only from regular files inside content/",
        ],
    )?;
    Ok(())
}

#[test]
fn a_symlink_out_of_content_is_not_followed() -> Result<()> {
    let outside = tempfile::tempdir()?;
    let secret = "SECRET-7f3a9c outside the project";
    fs::write(outside.path().join("secret.txt"), secret)?;
    fs::create_dir(outside.path().join("more"))?;
    fs::write(outside.path().join("more/2020-10-09-deep.txt"), secret)?;
    let (_, site) = assert_warned(
        "symlink out of content/",
        |p| {
            std::os::unix::fs::symlink(
                outside.path().join("secret.txt"),
                p.root().join("content/2020-10-08-secret.txt"),
            )?;
            std::os::unix::fs::symlink(outside.path().join("more"), p.root().join("content/more"))?;
            Ok(())
        },
        &[
            "content/2020-10-08-secret.txt: warning: skipped a symbolic link: articles are read only from regular files inside content/",
            "content/more: warning: skipped a symbolic link: articles are read only from regular files inside content/",
        ],
    )?;
    // Neither the file nor the folder reached the site, under any name.
    for (path, bytes) in &site {
        ensure!(
            !String::from_utf8_lossy(bytes).contains("SECRET-7f3a9c"),
            "{} holds the text of a file outside content/",
            path.display()
        );
    }
    ensure!(!site.contains_key(Path::new("articles/secret/index.html")));
    Ok(())
}

/// `setpriv` runs a command as another user; it is part of util-linux.
fn setpriv() -> Option<PathBuf> {
    ["/usr/bin/setpriv", "/bin/setpriv"]
        .iter()
        .map(PathBuf::from)
        .find(|p| p.exists())
}

#[test]
fn an_unreadable_file_is_an_error() -> Result<()> {
    let project = Project::new()?;
    let secret = project.root().join("content/2020-10-08-secret.txt");
    fs::write(&secret, "Talks in secret.\n")?;
    let mode = |path: &Path, mode: u32| {
        use std::os::unix::fs::PermissionsExt as _;
        fs::set_permissions(path, fs::Permissions::from_mode(mode))
    };
    mode(&secret, 0o000)?;
    // As root, permission bits do not stop a read; then run as `nobody` instead.
    let privileged = fs::read(&secret).is_ok();
    let as_user = |args: &[&str]| -> Result<Run> {
        if !privileged {
            return project.run(args);
        }
        let Some(setpriv) = setpriv() else {
            bail!("setpriv is missing");
        };
        let mut command = Command::new(setpriv);
        command
            .args(["--reuid=65534", "--regid=65534", "--clear-groups", "--"])
            .arg(env!("CARGO_BIN_EXE_briefing"))
            .args(args);
        run_in(project.root(), &mut command)
    };
    if privileged {
        if setpriv().is_none() {
            ensure!(!in_ci(), "running as root and setpriv (util-linux) is missing");
            eprintln!("skipped: running as root, where chmod 000 does not stop reads, and setpriv is missing");
            return Ok(());
        }
        eprintln!("note: running as root, so the unreadable-file test runs briefing as user 65534 (nobody)");
        // The project must be nobody's so that nobody can build it; the
        // secret stays mode 000, which stops nobody's reads.
        chown_tree(project.root(), 65534)?;
        mode(project.root(), 0o755)?;
    }
    // Build a good site first: move the secret away, build, move it back.
    let hidden = project.root().join("secret.txt");
    fs::rename(&secret, &hidden)?;
    let good = as_user(&["build", "-q"])?;
    ensure!(good.code == Some(0), "the good site did not build: {}", good.stderr);
    let before = snapshot(&project.output())?;
    fs::rename(&hidden, &secret)?;
    let expected = "content/2020-10-08-secret.txt: error: cannot read: Permission denied (os error 13)";
    for command in ["check", "build"] {
        let run = as_user(&[command])?;
        ensure!(
            run.code == Some(1),
            "`briefing {command}` exited {:?}\n{}",
            run.code,
            run.stderr
        );
        ensure!(
            run.stderr.lines().any(|l| l == expected),
            "`briefing {command}` did not print\n  {expected}\nstderr:\n{}",
            run.stderr
        );
    }
    eprintln!("catalogue: unreadable file: {expected}");
    ensure!(
        snapshot(&project.output())? == before,
        "the failed build changed the site"
    );
    Ok(())
}

/// Gives every file and folder under `dir` to `uid` (root only).
fn chown_tree(dir: &Path, uid: u32) -> Result<()> {
    std::os::unix::fs::lchown(dir, Some(uid), Some(uid))?;
    for entry in fs::read_dir(dir)? {
        let entry = entry?;
        if entry.file_type()?.is_dir() {
            chown_tree(&entry.path(), uid)?;
        } else {
            std::os::unix::fs::lchown(entry.path(), Some(uid), Some(uid))?;
        }
    }
    Ok(())
}

// ---------------------------------------------------------------------------
// Faults while writing
// ---------------------------------------------------------------------------

/// The `unshare` flags that give this process a private mount namespace, in
/// which it may mount a small tmpfs without touching the host's mounts: a user
/// namespace as well (`-Urm`, for anyone where the kernel allows it), or a
/// mount namespace alone (`-m`, for root where user namespaces are refused).
fn namespace_flags() -> Option<&'static str> {
    ["-Urm", "-m"].into_iter().find(|flags| {
        Command::new("unshare")
            .args([flags, "true"])
            .output()
            .is_ok_and(|o| o.status.success())
    })
}

/// Runs `script` with bash inside a private mount namespace, where `$MNT` is a
/// tmpfs of `size`, `$B` the binary and the project folder the working folder.
/// The mount disappears with the namespace.
fn in_tmpfs(project: &Project, flags: &str, size: &str, script: &str) -> Result<Run> {
    let mount_point = project.root().join("mnt");
    fs::create_dir_all(&mount_point)?;
    let script = format!("set -u\nmount -t tmpfs -o size={size} tmpfs \"$MNT\" || exit 99\n{script}");
    run_in(
        project.root(),
        Command::new("unshare")
            .args([flags, "bash", "-c", &script])
            .env("MNT", &mount_point)
            .env("B", env!("CARGO_BIN_EXE_briefing")),
    )
}

/// Lines of the script that record the output's files and their digests.
const DIGEST: &str = "(cd \"$MNT\" && find site -type f | sort | xargs sha256sum)";

#[test]
fn a_full_disk_or_read_only_output_fails_clearly_and_keeps_the_previous_site() -> Result<()> {
    let Some(flags) = namespace_flags() else {
        ensure!(
            !in_ci(),
            "neither `unshare -Urm` nor `unshare -m` is permitted: cannot mount a small tmpfs"
        );
        eprintln!(
            "skipped: no mount namespace (unshare -Urm or -m), so no small tmpfs can be filled or made read-only"
        );
        return Ok(());
    };
    let project = Project::new()?;
    // Enough paragraphs to need several megabytes of pages.
    let paragraphs: Vec<String> = (0..3000)
        .map(|i| format!("Paragraph {i}: India and Japan held talks on cyber security in Tokyo."))
        .collect();
    project.write("big.txt", paragraphs.join("\n\n"))?;
    let script = format!(
        r#"
$B build -q --output "$MNT/site" || exit 98
{DIGEST} > before.txt
cp big.txt content/2020-10-09-big.txt
$B build -q --output "$MNT/site" 2> full.txt; echo "full exit $?"
{DIGEST} > after-full.txt
ls -a "$MNT" > entries-full.txt
rm content/2020-10-09-big.txt
mount -o remount,ro "$MNT"
$B build -q --output "$MNT/site" 2> ro.txt; echo "read-only exit $?"
{DIGEST} > after-ro.txt
"#
    );
    let run = in_tmpfs(&project, flags, "600k", &script)?;
    ensure!(
        run.code == Some(0),
        "the script failed ({:?}):\n{}{}",
        run.code,
        run.stdout,
        run.stderr
    );
    ensure!(
        run.stdout.lines().collect::<Vec<_>>() == ["full exit 1", "read-only exit 1"],
        "{}",
        run.stdout
    );
    let read = |name: &str| fs::read_to_string(project.root().join(name));
    let before = read("before.txt")?;
    ensure!(before.lines().count() > 5, "the first site is too small: {before}");
    ensure!(
        read("after-full.txt")? == before,
        "the disk-full build changed the site"
    );
    ensure!(read("after-ro.txt")? == before, "the read-only build changed the site");
    ensure!(
        // An unfinished staging folder is kept as the spare (the next build's
        // starting point); nothing else may be left.
        read("entries-full.txt")?
            .lines()
            .all(|entry| [".", "..", "site", ".site.briefing-spare"].contains(&entry)),
        "the disk-full build left its staging folder: {}",
        read("entries-full.txt")?
    );
    let full = read("full.txt")?;
    let read_only = read("ro.txt")?;
    ensure!(full.contains("No space left on device"), "{full}");
    ensure!(read_only.contains("Read-only file system"), "{read_only}");
    eprintln!("catalogue: disk full: {}", full.trim());
    eprintln!("catalogue: read-only output: {}", read_only.trim());
    Ok(())
}

#[test]
fn build_never_deletes_a_file_beside_the_output() -> Result<()> {
    let project = Project::new()?;
    let outside = tempfile::tempdir()?;
    let site = outside.path().join("site");
    let neighbours = [
        ("notes.txt", "my notes"),
        ("site.bak/index.html", "an old copy"),
        (".site.briefing-new-notes", "a name that looks like a staging folder"),
        (".site.briefing-new-/x", "and another"),
        ("site-old", "one more"),
    ];
    for (name, text) in neighbours {
        let path = outside.path().join(name);
        if let Some(parent) = path.parent() {
            fs::create_dir_all(parent)?;
        }
        fs::write(path, text)?;
    }
    project.write("notes.txt", "beside public/ in the project")?;
    let before_outside = snapshot(outside.path())?;
    let before_root = fs::read(project.root().join("notes.txt"))?;
    for _ in 0..2 {
        let run = project.run(&["build", "-q"])?;
        ensure!(run.code == Some(0), "{}", run.stderr);
        let site_arg = site.to_string_lossy().into_owned();
        let run = project.run(&["build", "-q", "--output", &site_arg])?;
        ensure!(run.code == Some(0), "{}", run.stderr);
    }
    let after_outside: BTreeMap<_, _> = snapshot(outside.path())?
        .into_iter()
        // The output and the spare (the site before last) are the build's own.
        .filter(|(path, _)| !path.starts_with("site") && !path.starts_with(".site.briefing-spare"))
        .collect();
    ensure!(
        after_outside == before_outside,
        "a file beside the output changed or vanished"
    );
    ensure!(fs::read(project.root().join("notes.txt"))? == before_root);
    // And a build refuses to replace a folder it did not write.
    let mine = outside.path().join("mine");
    fs::create_dir(&mine)?;
    fs::write(mine.join("keep.txt"), "keep")?;
    let mine_arg = mine.to_string_lossy().into_owned();
    let run = project.run(&["build", "-q", "--output", &mine_arg])?;
    ensure!(run.code == Some(1), "{}", run.stderr);
    ensure!(fs::read_to_string(mine.join("keep.txt"))? == "keep");
    eprintln!(
        "catalogue: output folder not written by briefing: {}",
        run.stderr.trim()
    );
    Ok(())
}

#[test]
fn check_reports_content_and_template_errors_in_one_run() -> Result<()> {
    let project = Project::new()?;
    project.write("content/2020-10-08-bad.txt", b"\xff")?;
    project.write("content/2020-10-09-typo.md", "+++\ntitel = \"x\"\n+++\nText.\n")?;
    project.write("templates/topic.html", "{{ topic.title | shout }}\n")?;
    let run = project.run(&["check"])?;
    ensure!(run.code == Some(1));
    let lines: Vec<&str> = run.stderr.lines().collect();
    for expected in [
        "content/2020-10-08-bad.txt:1:1: error: invalid UTF-8 at byte 0: save the file as UTF-8",
        "content/2020-10-09-typo.md:2:1: error: unknown front-matter key `titel`: did you mean `title`?",
        "templates/topic.html:1:18: error: unknown filter `shout`",
        "error: found 3 errors",
    ] {
        ensure!(lines.contains(&expected), "missing {expected:?} in\n{}", run.stderr);
    }
    ensure!(run.stdout.is_empty(), "{}", run.stdout);
    Ok(())
}
