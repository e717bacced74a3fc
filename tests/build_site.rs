//! Whole-site tests: build real projects into temporary folders, through the
//! library (`briefing::build`) and through the `briefing` binary, then look at
//! the output the way a reader, a link checker or the gold checker would.
//! Pages are checked by parsing their HTML, never by searching for substrings.

mod common;

use anyhow::{anyhow, Context as _, Result};
use common::copy_project;
use scraper::{ElementRef, Html, Selector};
use std::collections::{BTreeMap, BTreeSet};
use std::ffi::OsStr;
use std::path::{Path, PathBuf};
use std::process::Command;
use tempfile::TempDir;

// ---------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------

/// The bundled briefing: the repository itself is a project.
fn bundled() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// A built site in a temporary folder, removed when dropped.
struct Site {
    _dir: TempDir,
    out: PathBuf,
}

/// Builds the project at `root` through the library into a fresh temporary folder.
fn build(root: &Path) -> Result<Site> {
    let dir = tempfile::tempdir()?;
    let out = dir.path().join("site");
    briefing::build(&briefing::BuildOptions {
        root: root.to_path_buf(),
        output: Some(out.clone()),
        base_url: None,
    })?;
    Ok(Site { _dir: dir, out })
}

fn build_bundled() -> Result<Site> {
    build(&bundled())
}

/// What one run of the binary did.
struct Run {
    code: Option<i32>,
    stdout: String,
    stderr: String,
}

impl Run {
    /// Everything a failed assertion needs to show.
    fn show(&self) -> String {
        format!(
            "exit code {:?}\n--- stdout\n{}\n--- stderr\n{}",
            self.code, self.stdout, self.stderr
        )
    }
}

/// Runs `briefing ARGS…` with extra environment variables.
fn briefing_env<S: AsRef<OsStr>>(args: &[S], env: &[(&str, &str)]) -> Result<Run> {
    let output = Command::new(env!("CARGO_BIN_EXE_briefing"))
        .args(args)
        .envs(env.iter().copied())
        .output()
        .context("cannot run the briefing binary")?;
    Ok(Run {
        code: output.status.code(),
        stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
    })
}

fn briefing<S: AsRef<OsStr>>(args: &[S]) -> Result<Run> {
    briefing_env(args, &[])
}

/// Every file under `dir`, by path relative to it (with `/`), with its bytes.
fn files(dir: &Path) -> Result<BTreeMap<String, Vec<u8>>> {
    let mut files = BTreeMap::new();
    for entry in walkdir::WalkDir::new(dir).sort_by_file_name() {
        let entry = entry?;
        if entry.file_type().is_file() {
            let rel = briefing::source::rel_to(dir, entry.path());
            files.insert(rel, std::fs::read(entry.path())?);
        }
    }
    Ok(files)
}

/// Paths that differ between two folders (missing on one side, or other bytes).
fn differences(a: &BTreeMap<String, Vec<u8>>, b: &BTreeMap<String, Vec<u8>>) -> Vec<String> {
    let paths: BTreeSet<&String> = a.keys().chain(b.keys()).collect();
    paths.into_iter().filter(|p| a.get(*p) != b.get(*p)).cloned().collect()
}

/// Writes a small project: `files` are (path relative to the root, contents).
fn project(files: &[(&str, &str)]) -> Result<TempDir> {
    let dir = tempfile::tempdir()?;
    for (rel, text) in files {
        let path = dir.path().join(rel);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent)?;
        }
        std::fs::write(path, text)?;
    }
    Ok(dir)
}

fn selector(css: &str) -> Result<Selector> {
    Selector::parse(css).map_err(|e| anyhow!("bad selector {css:?}: {e:?}"))
}

fn parse_page(path: &Path) -> Result<Html> {
    let text = std::fs::read_to_string(path).with_context(|| format!("cannot read {}", path.display()))?;
    Ok(Html::parse_document(&text))
}

/// An element's text with runs of white space (no-break spaces included) made one space.
fn squash(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Text of `element` without the subtrees that match `skip`.
fn text_without(element: ElementRef, skip: &Selector) -> String {
    let mut out = String::new();
    for child in element.children() {
        if let Some(child_element) = ElementRef::wrap(child) {
            if !skip.matches(&child_element) {
                out.push_str(&text_without(child_element, skip));
            }
        } else if let Some(text) = child.value().as_text() {
            out.push_str(text);
        }
    }
    out
}

// ---------------------------------------------------------------------------
// Links
// ---------------------------------------------------------------------------

/// One URL-bearing attribute on a generated page.
struct Link {
    /// The page, relative to the output folder.
    page: String,
    /// The attribute's value, as written.
    url: String,
    /// `<link rel="canonical">`, which must be absolute.
    canonical: bool,
}

impl Link {
    fn has_scheme(&self) -> bool {
        let end = self.url.find(['/', '?', '#']).unwrap_or(self.url.len());
        self.url[..end].contains(':')
    }

    /// Relative to the page: no scheme, no leading `/`.
    fn is_relative(&self) -> bool {
        !self.has_scheme() && !self.url.starts_with('/')
    }

    /// The path part, without `?query` and `#fragment`.
    fn path(&self) -> &str {
        let end = self.url.find(['?', '#']).unwrap_or(self.url.len());
        &self.url[..end]
    }

    fn fragment(&self) -> Option<&str> {
        self.url.split_once('#').map(|(_, f)| f)
    }

    fn describe(&self) -> String {
        format!("{}: {:?}", self.page, self.url)
    }
}

/// Every `href` and `src` on every generated .html page, in page order.
fn links(out: &Path) -> Result<Vec<Link>> {
    let with_url = selector("a[href], link[href], img[src], script[src], iframe[src], source[src]")?;
    let mut links = Vec::new();
    for page in files(out)?.keys().filter(|p| p.ends_with(".html")) {
        let html = parse_page(&out.join(page))?;
        for element in html.select(&with_url) {
            let value = element.value();
            let Some(url) = value.attr("href").or_else(|| value.attr("src")) else {
                continue;
            };
            links.push(Link {
                page: page.clone(),
                url: url.to_string(),
                canonical: value.name() == "link" && value.attr("rel") == Some("canonical"),
            });
        }
    }
    Ok(links)
}

/// Resolves a relative URL path against the page that holds it, as a path
/// relative to the output folder; `None` if it climbs out of the output folder.
fn resolve(page: &str, path: &str) -> Option<String> {
    let mut parts: Vec<&str> = page.split('/').collect();
    parts.pop();
    if path.is_empty() {
        return Some(page.to_string());
    }
    for segment in path.split('/') {
        match segment {
            "" | "." => {}
            ".." => {
                parts.pop()?;
            }
            name => parts.push(name),
        }
    }
    Some(parts.join("/"))
}

/// The output-relative target of a link that stays inside the site: a relative
/// link, or (on the 404 page, which must work at any depth) an absolute one
/// under `base_url`. `None` for external links and canonical URLs.
fn internal_target(link: &Link, base_url: &str) -> Option<Option<String>> {
    if link.canonical {
        None
    } else if link.is_relative() {
        Some(resolve(&link.page, link.path()))
    } else {
        let rest = link.path().strip_prefix(base_url)?;
        Some(resolve("index.html", rest))
    }
}

fn bundled_base_url() -> Result<String> {
    briefing::load_config(&bundled())
        .map(|c| c.base_url)
        .map_err(|f| anyhow!("{:?}", f.0))
}

/// Fails with every offending item, one per line.
fn assert_none(problems: Vec<String>, what: &str) {
    assert!(problems.is_empty(), "{what}:\n  {}", problems.join("\n  "));
}

// ---------------------------------------------------------------------------
// The gold checker
// ---------------------------------------------------------------------------

/// Runs tests/gold/check_gold.py on a built site for the given parts
/// (`topics`, later `glossary`, `timeline`) and fails unless every check passes.
/// Without python3 it skips, except on CI (`CI=true`), where it fails.
fn run_gold(out: &Path, parts: &[&str]) -> Result<()> {
    let script = bundled().join("tests/gold/check_gold.py");
    let mut command = Command::new("python3");
    command.arg(&script).arg(out);
    for part in parts {
        command.args(["--part", part]);
    }
    let output = match command.output() {
        Ok(output) => output,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            assert!(
                std::env::var("CI").as_deref() != Ok("true"),
                "python3 not found, and CI=true: the gold check must run on CI"
            );
            println!("skipped: python3 not found");
            return Ok(());
        }
        Err(e) => return Err(e).context("cannot run python3"),
    };
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    let last = stdout.lines().last().unwrap_or_default();
    let passed: usize = last
        .strip_suffix(" passed, 0 failed")
        .and_then(|n| n.parse().ok())
        .unwrap_or(0);
    assert!(
        output.status.success() && passed > 0,
        "gold check {parts:?} failed ({}):\n{stdout}\n{stderr}",
        output.status
    );
    Ok(())
}

// ---------------------------------------------------------------------------
// a. The bundled briefing against its gold file
// ---------------------------------------------------------------------------

#[test]
fn bundled_briefing_passes_the_gold_topics() -> Result<()> {
    let site = build_bundled()?;
    run_gold(&site.out, &["topics"])
}

// ---------------------------------------------------------------------------
// b. Links on every generated page
// ---------------------------------------------------------------------------

/// Links that are absolute although they lead to the site itself. Absolute is
/// right only on the 404 page (served at any depth), for `rel=canonical`, and
/// for links to external originals.
fn absolute_internal_links(out: &Path, base_url: &str) -> Result<Vec<String>> {
    Ok(links(out)?
        .into_iter()
        .filter(|link| !link.is_relative() && link.page != "404.html" && !link.canonical)
        .filter(|link| {
            let external = link.url.starts_with("https://") || link.url.starts_with("http://");
            // A data: URL (the favicon) holds its content; it leads nowhere.
            let data = link.url.starts_with("data:");
            !data && (!external || link.url.starts_with(base_url))
        })
        .map(|link| link.describe())
        .collect())
}

/// Internal links that end in a folder (`…/`) rather than its `index.html`, so
/// they break when the site is opened from disk.
fn folder_links(out: &Path, base_url: &str) -> Result<Vec<String>> {
    Ok(links(out)?
        .into_iter()
        .filter(|link| {
            let Some(target) = internal_target(link, base_url) else {
                return false;
            };
            let path = link.path();
            let bare = !path.is_empty() && (path.ends_with('/') || path.ends_with(".."));
            bare || target.is_some_and(|t| t.is_empty() || out.join(t).is_dir())
        })
        .map(|link| link.describe())
        .collect())
}

/// Internal links whose target file is not in the output.
fn missing_targets(out: &Path, base_url: &str) -> Result<Vec<String>> {
    Ok(links(out)?
        .into_iter()
        .filter(|link| match internal_target(link, base_url) {
            None => false,
            Some(None) => true,
            Some(Some(target)) => !out.join(target).is_file(),
        })
        .map(|link| link.describe())
        .collect())
}

/// Internal links whose `#fragment` is no element id of the target page.
fn missing_fragments(out: &Path, base_url: &str) -> Result<Vec<String>> {
    let with_id = selector("[id]")?;
    let mut ids: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    let mut problems = Vec::new();
    for link in links(out)? {
        let (Some(Some(target)), Some(fragment)) = (internal_target(&link, base_url), link.fragment()) else {
            continue;
        };
        if !ids.contains_key(&target) {
            let page = out.join(&target);
            let found = if page.is_file() && target.ends_with(".html") {
                parse_page(&page)?
                    .select(&with_id)
                    .filter_map(|e| e.value().attr("id").map(str::to_string))
                    .collect()
            } else {
                BTreeSet::new()
            };
            ids.insert(target.clone(), found);
        }
        if !ids.get(&target).is_some_and(|found| found.contains(fragment)) {
            problems.push(format!("{} (no id {fragment:?} in {target})", link.describe()));
        }
    }
    Ok(problems)
}

#[test]
fn links_are_relative_except_404_canonical_and_external() -> Result<()> {
    let site = build_bundled()?;
    let problems = absolute_internal_links(&site.out, &bundled_base_url()?)?;
    assert_none(problems, "absolute links to pages of the site");
    Ok(())
}

#[test]
fn no_link_points_at_a_bare_folder() -> Result<()> {
    let site = build_bundled()?;
    let problems = folder_links(&site.out, &bundled_base_url()?)?;
    assert_none(problems, "links to a folder instead of its index.html");
    Ok(())
}

#[test]
fn every_internal_link_target_exists() -> Result<()> {
    let site = build_bundled()?;
    let problems = missing_targets(&site.out, &bundled_base_url()?)?;
    assert_none(problems, "links whose target file is not in the output");
    Ok(())
}

#[test]
fn every_internal_fragment_exists_in_its_target_page() -> Result<()> {
    let site = build_bundled()?;
    let problems = missing_fragments(&site.out, &bundled_base_url()?)?;
    assert_none(problems, "links to a fragment their target page lacks");
    Ok(())
}

/// A topic page links mentions of *other* topics; a mention of its own topic
/// stays plain text (`passage_html`'s contract), in every section of the page.
#[test]
fn topic_pages_do_not_link_mentions_to_themselves() -> Result<()> {
    let site = build_bundled()?;
    let topic_link = selector("main a.topic-link[href]")?;
    let mut problems = Vec::new();
    for page in files(&site.out)?.keys().filter(|p| p.starts_with("topics/")) {
        if !page.ends_with(".html") {
            continue;
        }
        let own = format!("{}/index.html", page.split('/').take(2).collect::<Vec<_>>().join("/"));
        for a in parse_page(&site.out.join(page))?.select(&topic_link) {
            let href = a.value().attr("href").unwrap_or_default();
            let target = resolve(page, href.split('#').next().unwrap_or_default());
            if target.as_deref() == Some(own.as_str()) {
                problems.push(format!("{page}: {href:?} ({})", squash(&a.text().collect::<String>())));
            }
        }
    }
    assert_none(problems, "topic pages that link a mention to themselves");
    Ok(())
}

/// The four link checks above must fail on bad links: a project whose
/// articles.html (at articles/index.html) holds one bad link of each kind.
#[test]
fn link_checks_catch_bad_links() -> Result<()> {
    let dir = tempfile::tempdir()?;
    let root = dir.path().join("project");
    copy_project(&bundled(), &root)?;
    std::fs::write(
        root.join("templates/articles.html"),
        r#"{% extends "base.html" %}{% block main %}
<a href="/index.html">root-absolute</a>
<a href="https://example.github.io/briefing/index.html">absolute to the site</a>
<a href="https://example.org/original">external original</a>
<a href="../topics/">a folder</a>
<a href="../nowhere/index.html">missing</a>
<a href="../index.html#no-such-id">missing fragment</a>
{% endblock main %}"#,
    )?;
    let site = build(&root)?;
    let base_url = bundled_base_url()?;
    let bad = |url: &str| format!("articles/index.html: {url:?}");
    assert_eq!(
        absolute_internal_links(&site.out, &base_url)?,
        [bad("/index.html"), bad("https://example.github.io/briefing/index.html")]
    );
    assert_eq!(folder_links(&site.out, &base_url)?, [bad("../topics/")]);
    assert_eq!(
        missing_targets(&site.out, &base_url)?,
        [bad("../topics/"), bad("../nowhere/index.html")]
    );
    assert_eq!(
        missing_fragments(&site.out, &base_url)?,
        [format!(
            "{} (no id \"no-such-id\" in index.html)",
            bad("../index.html#no-such-id")
        )]
    );
    Ok(())
}

// ---------------------------------------------------------------------------
// c. `check` on the bundled project
// ---------------------------------------------------------------------------

#[test]
fn check_lists_the_abduction_passage_as_matching_no_topic() -> Result<()> {
    let run = briefing(&[OsStr::new("check"), OsStr::new("--root"), bundled().as_os_str()])?;
    assert_eq!(run.code, Some(0), "{}", run.show());
    let unmatched: Vec<&str> = run
        .stdout
        .lines()
        .skip_while(|line| !line.ends_with("match no topic:"))
        .skip(1)
        .take_while(|line| line.starts_with("  "))
        .collect();
    assert!(
        unmatched.iter().any(|line| line.contains("abduction")),
        "the North Korea abduction passage is not listed as matching no topic:\n{}",
        run.show()
    );
    Ok(())
}

// ---------------------------------------------------------------------------
// d. A syntax error in site.toml
// ---------------------------------------------------------------------------

/// A copy of the bundled project whose first `[[topics]]` lacks a `]`, and the
/// 1-based line of that header.
fn project_with_broken_site_toml(dir: &Path) -> Result<usize> {
    copy_project(&bundled(), dir)?;
    let path = dir.join("site.toml");
    let text = std::fs::read_to_string(&path)?;
    let at = text
        .find("[[topics]]\n")
        .context("the bundled site.toml has no [[topics]]")?;
    let line = text[..at].matches('\n').count() + 1;
    std::fs::write(&path, text.replacen("[[topics]]\n", "[[topics]\n", 1))?;
    Ok(line)
}

/// The `site.toml:LINE:COLUMN` location named in `stderr`, if any.
fn site_toml_location(stderr: &str) -> Option<(usize, usize)> {
    let rest = &stderr[stderr.find("site.toml:")? + "site.toml:".len()..];
    let mut numbers = rest.splitn(3, ':');
    let line = numbers.next()?.parse().ok()?;
    let column = numbers.next()?.parse().ok()?;
    Some((line, column))
}

#[test]
fn site_toml_syntax_error_fails_check_and_build_naming_the_line() -> Result<()> {
    let dir = tempfile::tempdir()?;
    let root = dir.path().join("project");
    let line = project_with_broken_site_toml(&root)?;
    let out = dir.path().join("out");
    for args in [
        vec![OsStr::new("check"), OsStr::new("--root"), root.as_os_str()],
        vec![
            OsStr::new("build"),
            OsStr::new("--root"),
            root.as_os_str(),
            OsStr::new("--output"),
            out.as_os_str(),
        ],
    ] {
        let run = briefing(&args)?;
        assert_eq!(run.code, Some(1), "{}", run.show());
        let location = site_toml_location(&run.stderr);
        assert!(
            location.is_some_and(|(l, c)| l == line && c >= 1),
            "expected site.toml:{line}:COLUMN in stderr\n{}",
            run.show()
        );
    }
    assert!(!out.exists(), "a failed build wrote {}", out.display());
    Ok(())
}

#[test]
fn failed_build_leaves_the_previous_site_untouched() -> Result<()> {
    let dir = tempfile::tempdir()?;
    let root = dir.path().join("project");
    copy_project(&bundled(), &root)?;
    let out = dir.path().join("out");
    let build = [
        OsStr::new("build"),
        OsStr::new("--root"),
        root.as_os_str(),
        OsStr::new("--output"),
        out.as_os_str(),
    ];
    let first = briefing(&build)?;
    assert_eq!(first.code, Some(0), "{}", first.show());
    let before = files(&out)?;
    assert!(before.contains_key("index.html"));
    let neighbours = |d: &Path| -> Result<Vec<String>> {
        let mut names: Vec<String> = std::fs::read_dir(d)?
            .map(|e| e.map(|e| e.file_name().to_string_lossy().into_owned()))
            .collect::<Result<_, _>>()?;
        names.sort();
        Ok(names)
    };
    let neighbours_before = neighbours(dir.path())?;

    project_with_broken_site_toml(&root)?;
    let second = briefing(&build)?;
    assert_eq!(second.code, Some(1), "{}", second.show());
    assert_none(differences(&before, &files(&out)?), "files changed by a failed build");
    assert_eq!(
        neighbours(dir.path())?,
        neighbours_before,
        "a failed build left files beside the output"
    );
    Ok(())
}

// ---------------------------------------------------------------------------
// e. `new`
// ---------------------------------------------------------------------------

#[test]
fn new_project_builds_as_it_is() -> Result<()> {
    let dir = tempfile::tempdir()?;
    let project = dir.path().join("x");
    let created = briefing(&[OsStr::new("new"), project.as_os_str()])?;
    assert_eq!(created.code, Some(0), "{}", created.show());
    let built = briefing(&[OsStr::new("build"), OsStr::new("--root"), project.as_os_str()])?;
    assert_eq!(built.code, Some(0), "{}", built.show());
    let index = project.join("public/index.html");
    let title = selector("title")?;
    assert!(
        parse_page(&index)?.select(&title).next().is_some(),
        "{} has no <title>",
        index.display()
    );
    Ok(())
}

#[test]
fn new_refuses_a_folder_that_is_not_empty() -> Result<()> {
    let dir = tempfile::tempdir()?;
    std::fs::write(dir.path().join("notes.txt"), "mine")?;
    let run = briefing(&[OsStr::new("new"), dir.path().as_os_str()])?;
    assert_eq!(run.code, Some(1), "{}", run.show());
    assert_eq!(std::fs::read_to_string(dir.path().join("notes.txt"))?, "mine");
    assert!(!dir.path().join("site.toml").exists());
    Ok(())
}

// ---------------------------------------------------------------------------
// f. Bad usage
// ---------------------------------------------------------------------------

#[test]
fn bad_usage_exits_2() -> Result<()> {
    for args in [
        &["build", "--no-such-flag"][..],
        &["check", "--root"][..],
        &["no-such-command"][..],
        &[][..],
    ] {
        let run = briefing(args)?;
        assert_eq!(run.code, Some(2), "briefing {args:?}\n{}", run.show());
    }
    Ok(())
}

// ---------------------------------------------------------------------------
// g. Determinism
// ---------------------------------------------------------------------------

#[test]
fn two_builds_are_byte_identical() -> Result<()> {
    let (a, b) = (build_bundled()?, build_bundled()?);
    let (a, b) = (files(&a.out)?, files(&b.out)?);
    assert!(a.len() > 10, "only {} files built", a.len());
    assert_none(differences(&a, &b), "files that differ between two builds");
    Ok(())
}

#[test]
fn thread_count_does_not_change_the_output() -> Result<()> {
    let dir = tempfile::tempdir()?;
    let mut built = Vec::new();
    for threads in ["1", "2"] {
        let out = dir.path().join(format!("threads-{threads}"));
        let args = [
            OsStr::new("build"),
            OsStr::new("--root"),
            bundled().as_os_str(),
            OsStr::new("--output"),
            out.as_os_str(),
        ]
        .map(OsStr::to_os_string);
        let run = briefing_env(&args, &[("RAYON_NUM_THREADS", threads)])?;
        assert_eq!(run.code, Some(0), "{}", run.show());
        built.push(files(&out)?);
    }
    assert_none(
        differences(&built[0], &built[1]),
        "files that differ between 1 and 2 threads",
    );
    Ok(())
}

// ---------------------------------------------------------------------------
// h. Articles as they arrive
// ---------------------------------------------------------------------------

const SMALL_SITE_TOML: &str = r#"title = "Test briefing"
base_url = "https://example.org/test/"

[[topics]]
slug = "widgets"
title = "Widget Initiative"
aliases = ["Widget Initiative"]
"#;

/// Raw text pasted from a web page on Windows: a byte-order mark, CRLF line
/// ends, curly quotes, and no-break spaces inside, before and after lines.
const RAW_NOTE: &str = "\u{feff}India and Japan called the talks \u{201c}productive and frank\u{201d}. \
Both sides will meet again.\u{a0}\r\n\
\r\n\
The ministers discussed the Widget\u{a0}Initiative at length.\r\n\
A third paragraph says it\u{2019}s not over.\r\n\
\u{a0}\u{2022} First bullet point.\r\n\
\u{a0}\u{2022} Second bullet point.\r\n";

#[test]
fn raw_text_article_with_bom_crlf_and_typography_builds() -> Result<()> {
    let project = project(&[
        ("site.toml", SMALL_SITE_TOML),
        ("content/articles/2021-03-04-raw-note.txt", RAW_NOTE),
    ])?;
    let site = build(project.path())?;
    let page = parse_page(&site.out.join("articles/raw-note/index.html"))?;

    let h1 = page.select(&selector("main h1")?).next().context("no <h1>")?;
    assert_eq!(
        h1.text().collect::<String>(),
        "India and Japan called the talks \u{201c}productive and frank\u{201d}"
    );
    let date = page.select(&selector("main time")?).next().context("no <time>")?;
    assert_eq!(date.value().attr("datetime"), Some("2021-03-04"));

    let skip = selector("a.anchor, .tags")?;
    let passages: Vec<(String, String)> = page
        .select(&selector(".article-body .passage")?)
        .map(|p| {
            let id = p.value().attr("id").unwrap_or_default().to_string();
            (id, squash(&text_without(p, &skip)))
        })
        .collect();
    let expected = [
        (
            "p1",
            "India and Japan called the talks \u{201c}productive and frank\u{201d}. Both sides will meet again.",
        ),
        ("p2", "The ministers discussed the Widget Initiative at length."),
        ("p3", "A third paragraph says it\u{2019}s not over."),
        ("p4", "First bullet point."),
        ("p5", "Second bullet point."),
    ];
    let expected: Vec<(String, String)> = expected.iter().map(|(i, t)| (i.to_string(), t.to_string())).collect();
    assert_eq!(passages, expected);
    let bullets = page.select(&selector(".article-body ul > li.passage")?).count();
    assert_eq!(bullets, 2, "the two bullet lines are not one list");

    // The alias matches across the no-break space, so the topic cites passage 2.
    let topic = parse_page(&site.out.join("topics/widgets/index.html"))?;
    let cites_p2 = topic
        .select(&selector("a[href]")?)
        .any(|a| a.value().attr("href") == Some("../../articles/raw-note/index.html#p2"));
    assert!(cites_p2, "topics/widgets does not cite raw-note#p2");
    Ok(())
}

#[test]
fn undated_article_warns_but_builds() -> Result<()> {
    let project = project(&[
        ("site.toml", SMALL_SITE_TOML),
        (
            "content/articles/undated-note.txt",
            "A note about the Widget Initiative.\n",
        ),
    ])?;
    let out = project.path().join("public");
    let run = briefing(&[OsStr::new("build"), OsStr::new("--root"), project.path().as_os_str()])?;
    assert_eq!(run.code, Some(0), "{}", run.show());
    assert!(
        run.stderr
            .lines()
            .any(|l| l.contains("undated-note.txt") && l.contains("no date")),
        "no warning naming the undated article\n{}",
        run.show()
    );
    assert!(out.join("articles/undated-note/index.html").is_file());
    Ok(())
}

// ---------------------------------------------------------------------------
// Self-checks of the link helpers, so a lenient helper cannot hide a bad link.
// ---------------------------------------------------------------------------

#[test]
fn link_helpers_resolve_and_classify() -> Result<()> {
    let link = |page: &str, url: &str| Link {
        page: page.into(),
        url: url.into(),
        canonical: false,
    };
    assert_eq!(
        resolve("topics/a/index.html", "../../articles/b/index.html").as_deref(),
        Some("articles/b/index.html")
    );
    assert_eq!(resolve("index.html", "../x.html"), None);
    assert_eq!(resolve("a/index.html", "").as_deref(), Some("a/index.html"));
    assert!(link("index.html", "topics/a/index.html#p1").is_relative());
    for absolute in ["/topics/a/", "https://x.org/", "//x.org/a", "mailto:a@b.c"] {
        assert!(!link("index.html", absolute).is_relative(), "{absolute}");
    }
    let base = "https://example.org/b/";
    let on_404 = link("404.html", "https://example.org/b/articles/index.html");
    assert_eq!(
        internal_target(&on_404, base),
        Some(Some("articles/index.html".to_string()))
    );
    assert_eq!(internal_target(&link("a.html", "https://elsewhere.org/"), base), None);
    assert_eq!(resolve("a/b.html", "c/d.html").as_deref(), Some("a/c/d.html"));
    Ok(())
}

/// A briefing with hundreds of topics is printed in volumes: every topic once,
/// in order, the glossary and timeline in the last, no page over 300 KB.
#[test]
fn many_topics_print_in_volumes_with_no_page_over_300_kb() -> Result<()> {
    const TOPICS: usize = 300;
    let mut site_toml = String::from("title = \"Many topics\"\nbase_url = \"https://example.org/many/\"\n");
    for t in 0..TOPICS {
        site_toml.push_str(&format!(
            "\n[[topics]]\nslug = \"topic-{t}\"\ntitle = \"Topic {t}\"\naliases = [\"zephyr{t}\"]\n"
        ));
    }
    let mut files = vec![("site.toml".to_string(), site_toml)];
    for a in 0..3 {
        let mut text = format!("+++\ntitle = \"Report {a}\"\ndate = 2020-10-0{}\n+++\n\n", a + 1);
        text.push_str("The Quarterly Review Board (QRB) met on 5 March 2020.\n\n");
        for t in 0..TOPICS {
            text.push_str(&format!(
                "Delegates in session {a} discussed zephyr{t} at length and agreed to report on zephyr{t} by 9 May 2020.\n\n"
            ));
        }
        files.push((format!("content/articles/2020-10-0{}-report-{a}.txt", a + 1), text));
    }
    let files: Vec<(&str, &str)> = files.iter().map(|(p, t)| (p.as_str(), t.as_str())).collect();
    let project = project(&files)?;
    let site = build(project.path())?;

    let section = selector("section.print-topic")?;
    let volume_links = selector("nav.pagination[aria-label=Volumes] a, nav.pagination[aria-label=Volumes] span")?;
    let first = parse_page(&site.out.join("print/index.html"))?;
    let volumes = first.select(&volume_links).count();
    assert!(volumes > 1, "{TOPICS} topics printed on one page");
    let mut printed = Vec::new();
    for v in 1..=volumes {
        let path = match v {
            1 => "print/index.html".to_string(),
            v => format!("print/{v}/index.html"),
        };
        let page = parse_page(&site.out.join(&path))?;
        let ids: Vec<String> = page
            .select(&section)
            .filter_map(|s| s.value().attr("id").map(str::to_string))
            .collect();
        let last = v == volumes;
        for extra in ["glossary", "timeline"] {
            assert_eq!(ids.iter().any(|id| id == extra), last, "{path}: {extra} section");
        }
        printed.extend(ids.into_iter().filter(|id| id.starts_with("topic-")));
    }
    let expected: Vec<String> = (0..TOPICS).map(|t| format!("topic-topic-{t}")).collect();
    assert_eq!(printed, expected, "every topic printed once, in order");

    let mut too_large = Vec::new();
    for entry in walkdir::WalkDir::new(&site.out) {
        let entry = entry?;
        let size = entry.metadata()?.len();
        if entry.path().extension().is_some_and(|e| e == "html") && size > 300_000 {
            too_large.push(format!("{}: {size} bytes", entry.path().display()));
        }
    }
    assert_none(too_large, "pages over 300 KB");
    let base_url = "https://example.org/many/";
    assert_none(missing_targets(&site.out, base_url)?, "links to missing files");
    assert_none(missing_fragments(&site.out, base_url)?, "links to missing anchors");
    Ok(())
}
