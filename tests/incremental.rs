//! Incremental builds give exactly what clean builds give.
//!
//! A property test: random sequences of changes to a project (articles added,
//! edited, deleted, renamed; settings and templates changed; the build cache
//! damaged or deleted), each followed by an incremental build, must leave an
//! output byte-identical to a clean build of the same project in a fresh
//! folder. Files whose bytes did not change must keep their modification time.

mod common;

use anyhow::{Context as _, Result};
use proptest::prelude::*;
use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};
use std::time::SystemTime;

/// Sentences the generated articles are made of: each feeds a topic, defines
/// an acronym, carries a date, or repeats a fact another article states.
const SENTENCES: [&str; 12] = [
    "The Supply Chain Resilience Initiative (SCRI) was proposed by Japan in 2020.",
    "Ministers said the SCRI would reduce dependence on a single country.",
    "The Indo-Pacific Oceans Initiative (IPOI) was announced in November 2019.",
    "India invited Japan to lead the connectivity pillar of the IPOI.",
    "The navies held the JIMEX exercise in the Arabian Sea last year.",
    "A Memorandum of Cooperation (MoC) on cyber security was finalised in October 2020.",
    "The MoC covers capacity building and 5G networks.",
    "The Quadrilateral Security Dialogue (Quad) met in Tokyo.",
    "Officials from the Quad stressed a free and open Indo-Pacific.",
    "Trade between the two countries grew last year.",
    "The annual summit was postponed because of the pandemic.",
    "Japan is India's largest source of development assistance.",
];

const SITE_TOML: &str = r#"title = "Property test"
base_url = "https://example.org/p/"
passages_per_page = PER_PAGE
articles_per_page = PER_PAGE
events_per_page = PER_PAGE

[[topics]]
slug = "scri"
title = "Supply Chain Resilience Initiative"
aliases = ["Supply Chain Resilience Initiative", "SCRI"]

[[topics]]
slug = "ipoi"
title = "Indo-Pacific Oceans Initiative"
aliases = ["Indo-Pacific Oceans Initiative", "IPOI"]

[[topics]]
slug = "cyber"
title = "Cyber security"
aliases = ["Memorandum of Cooperation", "MoC", "cyber security", "5G"]

[[topics]]
slug = "quad"
title = "The Quad"
aliases = ["Quad", "Quadrilateral Security Dialogue"]
"#;

#[derive(Debug, Clone)]
enum Change {
    /// A new article: sentences (indices into SENTENCES), day of the date.
    Add(Vec<usize>, u8),
    /// Append a sentence to the n-th article (modulo the count).
    Edit(usize, usize),
    /// Change the n-th article's date.
    Redate(usize, u8),
    Delete(usize),
    /// Give the n-th article a new file name (so a new slug).
    Rename(usize),
    /// Change how many passages a topic page shows.
    PerPage(usize),
    /// Add or change a template override.
    Template(u8),
    /// Damage the build cache: 0 delete it, 1 truncate the articles file,
    /// 2 fill the page manifest with garbage, 3 delete the spare site,
    /// 4 flip a byte of the timeline's merged events.
    DamageCache(u8),
}

fn change() -> impl Strategy<Value = Change> {
    prop_oneof![
        4 => (prop::collection::vec(0..SENTENCES.len(), 1..6), 1u8..28).prop_map(|(s, d)| Change::Add(s, d)),
        2 => (any::<usize>(), 0..SENTENCES.len()).prop_map(|(n, s)| Change::Edit(n, s)),
        1 => (any::<usize>(), 1u8..28).prop_map(|(n, d)| Change::Redate(n, d)),
        1 => any::<usize>().prop_map(Change::Delete),
        1 => any::<usize>().prop_map(Change::Rename),
        1 => (1usize..4).prop_map(Change::PerPage),
        1 => (0u8..3).prop_map(Change::Template),
        1 => (0u8..5).prop_map(Change::DamageCache),
    ]
}

/// A project on disk, changed step by step.
struct Project {
    root: PathBuf,
    next_id: usize,
}

impl Project {
    fn new(root: &Path) -> Result<Project> {
        fs::create_dir_all(root.join("content/articles"))?;
        fs::write(root.join("site.toml"), SITE_TOML.replace("PER_PAGE", "2"))?;
        let mut project = Project {
            root: root.to_path_buf(),
            next_id: 0,
        };
        project.apply(&Change::Add(vec![0, 2, 5], 3))?;
        project.apply(&Change::Add(vec![1, 3, 7], 9))?;
        Ok(project)
    }

    fn articles(&self) -> Result<Vec<PathBuf>> {
        let mut files: Vec<PathBuf> = fs::read_dir(self.root.join("content/articles"))?
            .map(|e| e.map(|e| e.path()))
            .collect::<Result<_, _>>()?;
        files.sort();
        Ok(files)
    }

    fn pick(&self, n: usize) -> Result<Option<PathBuf>> {
        let files = self.articles()?;
        Ok((!files.is_empty()).then(|| files[n % files.len()].clone()))
    }

    fn apply(&mut self, change: &Change) -> Result<()> {
        match change {
            Change::Add(sentences, day) => {
                self.next_id += 1;
                let body: Vec<&str> = sentences.iter().map(|&s| SENTENCES[s]).collect();
                let text = format!(
                    "+++\ntitle = \"Report {id}\"\ndate = 2020-10-{day:02}\n+++\n{}\n\n{}\n",
                    body.join(" "),
                    body.iter().rev().copied().collect::<Vec<_>>().join("\n\n"),
                    id = self.next_id,
                );
                let path = self.root.join(format!("content/articles/report-{}.txt", self.next_id));
                fs::write(path, text)?;
            }
            Change::Edit(n, s) => {
                if let Some(path) = self.pick(*n)? {
                    let mut text = fs::read_to_string(&path)?;
                    text.push_str(&format!("\n{}\n", SENTENCES[*s]));
                    fs::write(path, text)?;
                }
            }
            Change::Redate(n, day) => {
                if let Some(path) = self.pick(*n)? {
                    let text = fs::read_to_string(&path)?;
                    let text: Vec<String> = text
                        .lines()
                        .map(|l| {
                            if l.starts_with("date = ") {
                                format!("date = 2020-11-{day:02}")
                            } else {
                                l.to_string()
                            }
                        })
                        .collect();
                    fs::write(path, text.join("\n"))?;
                }
            }
            Change::Delete(n) => {
                if let Some(path) = self.pick(*n)? {
                    fs::remove_file(path)?;
                }
            }
            Change::Rename(n) => {
                if let Some(path) = self.pick(*n)? {
                    self.next_id += 1;
                    fs::rename(
                        path,
                        self.root.join(format!("content/articles/renamed-{}.txt", self.next_id)),
                    )?;
                }
            }
            Change::PerPage(n) => {
                fs::write(
                    self.root.join("site.toml"),
                    SITE_TOML.replace("PER_PAGE", &n.to_string()),
                )?;
            }
            Change::Template(variant) => {
                let base = briefing::render::BUILTIN_TEMPLATES
                    .iter()
                    .find(|(name, _)| *name == "base.html")
                    .map(|(_, source)| *source)
                    .context("no base.html")?;
                fs::create_dir_all(self.root.join("templates"))?;
                let marked = base.replace("</footer>", &format!("<p>variant {variant}</p></footer>"));
                fs::write(self.root.join("templates/base.html"), marked)?;
            }
            Change::DamageCache(kind) => {
                let cache = self.root.join(briefing::cache::CACHE_DIR);
                match kind {
                    0 => {
                        let _ = fs::remove_dir_all(&cache);
                    }
                    1 => {
                        let file = cache.join("articles.bin");
                        if let Ok(bytes) = fs::read(&file) {
                            fs::write(&file, &bytes[..bytes.len() / 2])?;
                        }
                    }
                    2 => {
                        for entry in fs::read_dir(&cache).into_iter().flatten().flatten() {
                            if entry.file_name().to_string_lossy().starts_with("pages-") {
                                fs::write(entry.path(), b"not a manifest at all, but long enough to be read")?;
                            }
                        }
                    }
                    3 => {
                        let _ = fs::remove_dir_all(self.root.join(".public.briefing-spare"));
                    }
                    _ => {
                        let file = cache.join("timeline.bin");
                        if let Ok(mut bytes) = fs::read(&file) {
                            let middle = bytes.len() / 2;
                            if let Some(byte) = bytes.get_mut(middle) {
                                *byte ^= 0x20;
                            }
                            fs::write(&file, &bytes)?;
                        }
                    }
                }
            }
        }
        Ok(())
    }
}

/// Every file of a site: relative path → (bytes, modification time).
fn files(dir: &Path) -> Result<BTreeMap<String, (Vec<u8>, SystemTime)>> {
    let mut out = BTreeMap::new();
    for entry in walkdir::WalkDir::new(dir).sort_by_file_name() {
        let entry = entry?;
        if entry.file_type().is_file() {
            let rel = entry.path().strip_prefix(dir)?.to_string_lossy().to_string();
            let modified = entry.metadata()?.modified()?;
            out.insert(rel, (fs::read(entry.path())?, modified));
        }
    }
    Ok(out)
}

fn build(root: &Path, output: Option<PathBuf>) -> Result<()> {
    briefing::build(&briefing::BuildOptions {
        root: root.to_path_buf(),
        output,
        base_url: None,
    })?;
    Ok(())
}

fn check_sequence(changes: &[Change]) -> Result<()> {
    let dir = tempfile::tempdir()?;
    let mut project = Project::new(&dir.path().join("project"))?;
    build(&project.root, None)?;
    for (step, change) in changes.iter().enumerate() {
        let before = files(&project.root.join("public"))?;
        project.apply(change)?;
        build(&project.root, None).with_context(|| format!("incremental build after {change:?}"))?;
        let incremental = files(&project.root.join("public"))?;

        let clean_root = dir.path().join(format!("clean-{step}"));
        common::copy_project(&project.root, &clean_root)?;
        build(&clean_root, Some(clean_root.join("out")))?;
        let clean = files(&clean_root.join("out"))?;
        fs::remove_dir_all(&clean_root)?;

        let paths = |m: &BTreeMap<String, (Vec<u8>, SystemTime)>| m.keys().cloned().collect::<Vec<_>>();
        assert_eq!(
            paths(&incremental),
            paths(&clean),
            "file lists differ after {change:?} (step {step})"
        );
        for (path, (bytes, modified)) in &incremental {
            assert!(
                *bytes == clean[path].0,
                "{path} differs from a clean build after {change:?} (step {step})"
            );
            if let Some((old_bytes, old_modified)) = before.get(path) {
                if old_bytes == bytes && !matches!(change, Change::DamageCache(_)) {
                    assert_eq!(
                        modified, old_modified,
                        "{path} was rewritten unchanged after {change:?}"
                    );
                }
            }
        }
    }
    Ok(())
}

proptest! {
    // Each case builds a site twice per step; a few dozen steps in all keep
    // the test near ten seconds while covering every kind of change.
    #![proptest_config(ProptestConfig { cases: 12, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn incremental_builds_equal_clean_builds(changes in prop::collection::vec(change(), 1..6)) {
        check_sequence(&changes).map_err(|e| TestCaseError::fail(format!("{e:#}")))?;
    }
}

/// The cases most likely to go wrong, always run.
#[test]
fn known_sequences() -> Result<()> {
    check_sequence(&[
        Change::Add(vec![0, 1, 2, 3], 20),
        Change::Edit(0, 4),
        Change::Rename(1),
        Change::Delete(0),
        Change::PerPage(1),
        Change::Template(1),
        Change::DamageCache(1),
        Change::Add(vec![5, 6], 1),
        Change::DamageCache(2),
        Change::Redate(0, 2),
        Change::DamageCache(3),
        Change::Edit(1, 11),
        Change::DamageCache(4),
        Change::Add(vec![2, 4, 5], 3),
    ])
}

/// A rebuild reads only the article files whose stamp (size, times, inode)
/// changed since the last build, once the files have settled; an edit that
/// keeps the size is still seen, and a damaged stamp file only costs reads.
#[test]
fn a_rebuild_reads_only_changed_article_files() -> Result<()> {
    let dir = tempfile::tempdir()?;
    let mut project = Project::new(&dir.path().join("project"))?;
    project.apply(&Change::Add(vec![8, 9], 5))?;
    let build = |root: &Path| {
        briefing::build(&briefing::BuildOptions {
            root: root.to_path_buf(),
            output: None,
            base_url: None,
        })
    };
    // Files written less than `SETTLE` ago are read again by every build.
    assert_eq!(build(&project.root)?.files_read, 3);
    assert_eq!(build(&project.root)?.files_read, 3, "files not settled yet");
    std::thread::sleep(briefing::source::SETTLE + std::time::Duration::from_millis(200));
    assert_eq!(build(&project.root)?.files_read, 3, "stamps not recorded yet");
    assert_eq!(build(&project.root)?.files_read, 0);

    // The same length, other bytes.
    let edited = project.pick(2)?.context("no article")?;
    let text = fs::read_to_string(&edited)?;
    let changed = text.replace("Trade between", "Trade among  ");
    assert!(changed != text && changed.len() == text.len());
    fs::write(&edited, changed)?;
    assert_eq!(build(&project.root)?.files_read, 1);
    let clean_root = dir.path().join("clean");
    common::copy_project(&project.root, &clean_root)?;
    build(&clean_root)?;
    assert_eq!(
        files(&project.root.join("public"))?
            .into_iter()
            .map(|(p, (b, _))| (p, b))
            .collect::<BTreeMap<_, _>>(),
        files(&clean_root.join("public"))?
            .into_iter()
            .map(|(p, (b, _))| (p, b))
            .collect::<BTreeMap<_, _>>(),
    );
    let pages = files(&project.root.join("public"))?;
    assert!(
        pages
            .values()
            .any(|(bytes, _)| String::from_utf8_lossy(bytes).contains("Trade among")),
        "the edit is not in the site"
    );

    fs::write(project.root.join(".briefing/cache/sources.bin"), b"garbage")?;
    assert_eq!(build(&project.root)?.files_read, 3);
    Ok(())
}
