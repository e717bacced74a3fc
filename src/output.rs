//! The only writer: pages and static files → the output folder, atomically.
//! A build is written into a fresh folder beside the output and swapped in
//! only when complete, so a failed or killed build leaves the previous site whole.

use crate::cache::{content_key, FileRecord, Key, Manifest};
use crate::render::Page;
use anyhow::{bail, Context as _};
use rustc_hash::FxHashSet;
use std::collections::BTreeSet;
use std::fs;
use std::io::Write as _;
use std::path::{Component, Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;
use walkdir::WalkDir;

/// Written into every output folder so that a later build knows the folder is
/// its own to replace, and never replaces a folder of the user's.
pub const MARKER: &str = ".briefing-output";

/// The marker's first line; a finished site's marker adds `files <id>`, the
/// [`site_id`] of its files, which an unfinished one lacks.
const MARKER_TEXT: &str = "This folder is written by `briefing build` and replaced whole on every build.\n";

/// A fingerprint of a site's file paths (the marker's own aside), written in
/// its marker: a staging folder whose marker holds the id of the files a
/// manifest lists for it holds exactly those files. Made from paths only, so
/// two builds of the same content write the same marker.
fn site_id<'p>(paths: impl Iterator<Item = &'p str>) -> Key {
    let mut paths: Vec<&str> = paths.filter(|&p| p != MARKER).collect();
    paths.sort_unstable();
    let mut hasher = xxhash_rust::xxh3::Xxh3::new();
    for path in paths {
        hasher.update(path.as_bytes());
        hasher.update(b"\n");
    }
    hasher.digest128()
}

/// The id a finished site's marker holds.
fn marker_id(text: &str) -> Option<Key> {
    let id = text.strip_prefix(MARKER_TEXT)?.strip_prefix("files ")?.trim_end();
    Key::from_str_radix(id, 16).ok()
}

/// Checks that `output` is a folder a build may replace: not the project root,
/// not a folder holding `content/` or the project, and not outside the project
/// unless the user named it explicitly.
pub fn check_output_dir(root: &Path, output: &Path, named_explicitly: bool) -> anyhow::Result<()> {
    let root = normalise(root);
    let out = normalise(output);
    if out == root || root.starts_with(&out) {
        bail!(
            "refusing to write the site to {}: it is (or holds) the project folder; choose a folder such as public/",
            output.display()
        );
    }
    if out.join("content").is_dir() || out.join("site.toml").is_file() {
        bail!(
            "refusing to write the site to {}: it holds content/ or site.toml",
            output.display()
        );
    }
    if !out.starts_with(&root) && !named_explicitly {
        bail!(
            "refusing to write the site to {}: it is outside the project; pass --output to name it explicitly",
            output.display()
        );
    }
    if out.is_dir()
        && !out.join(MARKER).is_file()
        && fs::read_dir(&out).map(|mut d| d.next().is_some()).unwrap_or(false)
    {
        bail!(
            "refusing to replace {}: it is not empty and was not written by briefing; move it away or choose another --output",
            output.display()
        );
    }
    Ok(())
}

/// An absolute, lexically normalised path (no `.` or `..`), without touching the disk.
pub fn normalise(path: &Path) -> PathBuf {
    let absolute = if path.is_absolute() {
        path.to_path_buf()
    } else {
        std::env::current_dir().unwrap_or_default().join(path)
    };
    let mut out = PathBuf::new();
    for component in absolute.components() {
        match component {
            Component::ParentDir => {
                out.pop();
            }
            Component::CurDir => {}
            other => out.push(other),
        }
    }
    out
}

/// A page path must stay inside the output folder: relative, no `..`.
fn safe_relative(path: &str) -> anyhow::Result<&Path> {
    let p = Path::new(path);
    if path.is_empty()
        || p.is_absolute()
        || path.contains('\\')
        || p.components().any(|c| !matches!(c, Component::Normal(_)))
    {
        bail!("refusing to write {path:?}: output paths must be relative and stay inside the output folder");
    }
    Ok(p)
}

/// A site being written: a folder beside the output that receives the files
/// one by one, from any thread, and replaces the output only when `finish` is
/// called.
///
/// The folder is the site before last when there is one (kept beside the
/// output as `.<name>.briefing-spare`), updated in place: a file that has not
/// changed is a hard link to the current site's file, a changed file is
/// written anew, and files the new site lacks are removed. So a build that
/// changes ten pages touches about ten files, and no build deletes thousands
/// (slow on some file systems: a delete there is a synchronous discard).
/// The current site is never written to, only linked from, so whatever
/// happens to a build, the output folder holds a whole site.
pub struct Staging {
    dir: PathBuf,
    output: PathBuf,
    /// Where the site being replaced goes, to be the next build's staging folder.
    spare: PathBuf,
    /// The folder held an earlier site: every file must be replaced, not
    /// overwritten in place (it may be a hard link into the current site),
    /// and files not written by this build removed at the end.
    reused: bool,
    /// The files the reused folder holds, when its marker vouches for the
    /// list the manifest kept; else it is walked to find them.
    spare_files: Option<Vec<String>>,
    /// Pages `has` found in the reused folder already, as the current site
    /// holds them: `keep` need not look again.
    staged: Mutex<FxHashSet<String>>,
    /// Folders already created, so each is made once.
    made: Mutex<BTreeSet<PathBuf>>,
    count: AtomicUsize,
    /// Files carried over from the current site (hard links, so their
    /// modification times stay) rather than written.
    kept: AtomicUsize,
    /// What the current site's files were made from, as its build recorded.
    previous: Manifest,
    /// The same, for this site, filled as files are written.
    records: Mutex<Vec<(String, FileRecord)>>,
    finished: bool,
}

/// What a finished build wrote.
#[derive(Debug, Clone, Default)]
pub struct Written {
    /// Files in the new site.
    pub files: usize,
    /// Of those, files kept from the previous site because their bytes are the same.
    pub kept: usize,
    /// What each file was made from: the next build's `previous`.
    pub manifest: Manifest,
}

impl Staging {
    /// Starts a new site for `output`, with the files of `static_dir` in it
    /// (a generated page written later replaces a static file of the same path).
    /// `previous` is the manifest of the site now at `output`, if known: files
    /// it vouches for are kept rather than written again.
    pub fn begin(output: &Path, static_dir: &Path, mut previous: Manifest) -> anyhow::Result<Staging> {
        let output = normalise(output);
        let parent = output.parent().context("the output folder has no parent folder")?;
        fs::create_dir_all(parent).with_context(|| format!("cannot create {}", parent.display()))?;
        let name = output
            .file_name()
            .context("the output folder has no name")?
            .to_string_lossy()
            .to_string();
        let spare = parent.join(format!(".{name}.briefing-spare"));
        clean_leftovers(parent, &name, &spare);
        let dir = parent.join(format!(".{name}.briefing-new-{}", std::process::id()));
        if dir.exists() {
            fs::remove_dir_all(&dir).with_context(|| format!("cannot clear {}", dir.display()))?;
        }
        // Another build may take the spare first; then this one starts afresh.
        let reused = spare.join(MARKER).is_file() && fs::rename(&spare, &dir).is_ok();
        if !reused {
            fs::create_dir_all(&dir).with_context(|| format!("cannot create {}", dir.display()))?;
        }
        let spare_files = std::mem::take(&mut previous.spare);
        let spare_files = if reused {
            let marker = dir.join(MARKER);
            let id = fs::read_to_string(&marker).ok().and_then(|text| marker_id(&text));
            let known = id == Some(site_id(spare_files.iter().map(String::as_str)));
            // The folder changes from here on: until this build finishes, its
            // marker vouches for no list (a failed build leaves it as the spare).
            // Replaced by a rename, so that the folder is never without one: a
            // spare without a marker is not taken as this module's.
            let temp = dir.join(format!("{MARKER}.briefing-tmp"));
            let _ = fs::remove_file(&temp);
            write_file(&temp, MARKER_TEXT.as_bytes(), false)?;
            fs::rename(&temp, &marker).with_context(|| format!("cannot write {}", marker.display()))?;
            known.then_some(spare_files)
        } else {
            None
        };
        let staging = Staging {
            dir,
            output,
            spare,
            reused,
            spare_files,
            staged: Mutex::new(FxHashSet::default()),
            made: Mutex::new(BTreeSet::new()),
            count: AtomicUsize::new(0),
            kept: AtomicUsize::new(0),
            previous,
            records: Mutex::new(Vec::new()),
            finished: false,
        };
        staging.copy_static(static_dir)?;
        Ok(staging)
    }

    fn copy_static(&self, static_dir: &Path) -> anyhow::Result<()> {
        if !static_dir.is_dir() {
            return Ok(());
        }
        for entry in WalkDir::new(static_dir).follow_links(false).sort_by_file_name() {
            let entry = entry.with_context(|| format!("cannot read {}", static_dir.display()))?;
            if !entry.file_type().is_file() {
                continue;
            }
            let rel = entry
                .path()
                .strip_prefix(static_dir)
                .context("static file outside static/")?;
            let bytes = fs::read(entry.path()).with_context(|| format!("cannot read {}", entry.path().display()))?;
            let rel = rel.to_string_lossy().replace('\\', "/");
            self.put(&rel, &bytes, None)?;
        }
        Ok(())
    }

    fn make_parent(&self, target: &Path) -> anyhow::Result<()> {
        let Some(dir) = target.parent() else { return Ok(()) };
        let known = self.made.lock().map(|made| made.contains(dir)).unwrap_or(false);
        if !known {
            fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
            if let Ok(mut made) = self.made.lock() {
                made.insert(dir.to_path_buf());
            }
        }
        Ok(())
    }

    /// Does the site now at the output hold `path`, made from `key`, and not
    /// touched since its build wrote it? Then a page need not be rendered again.
    pub fn has(&self, path: &str, key: Key) -> bool {
        let Some(record) = self.previous.files.get(path).filter(|record| record.key == key) else {
            return false;
        };
        // The reused folder mostly holds the same file (a hard link to it):
        // then that one stat serves `keep` too. Were the current site's file
        // replaced since, the staged one still holds the recorded bytes.
        if self.reused && self.staged_file(path, record) {
            if let Ok(mut staged) = self.staged.lock() {
                staged.insert(path.to_string());
                return true;
            }
        }
        self.current_file(path, record).is_some()
    }

    /// Whether the reused folder already holds the current site's file at
    /// `path`, as recorded (the same inode: a hard link to it).
    fn staged_file(&self, path: &str, record: &FileRecord) -> bool {
        safe_relative(path)
            .ok()
            .and_then(|rel| fs::symlink_metadata(self.dir.join(rel)).ok())
            .is_some_and(|meta| same_file(&meta, record))
    }

    /// The current site's file at `path`, if it still has the size, time and
    /// inode its build recorded.
    fn current_file(&self, path: &str, record: &FileRecord) -> Option<fs::Metadata> {
        let meta = fs::symlink_metadata(self.output.join(path)).ok()?;
        same_file(&meta, record).then_some(meta)
    }

    /// Writes one page; safe to call from several threads. A page marked
    /// `kept` is taken from the current site.
    pub fn write(&self, page: &Page) -> anyhow::Result<()> {
        if page.kept {
            // `has` found the file on disk as recorded when the page was
            // skipped, moments ago: not checked again (a stat per kept page).
            let Some(&record) = self.previous.files.get(&page.path) else {
                bail!("{}: the previous site does not hold this page", page.path);
            };
            return self.keep(&page.path, record);
        }
        self.put(&page.path, &page.bytes, page.key)
    }

    /// Puts `bytes` at `path`: a link to the current site's file when that
    /// file holds the same bytes (so its modification time stays), else a new file.
    fn put(&self, path: &str, bytes: &[u8], key: Option<Key>) -> anyhow::Result<()> {
        let content = content_key(bytes);
        if let Some(record) = self.previous.files.get(path) {
            if record.content == content && self.current_file(path, record).is_some() {
                return self.keep(
                    path,
                    FileRecord {
                        key: key.unwrap_or(0),
                        ..*record
                    },
                );
            }
        }
        let target = self.dir.join(safe_relative(path)?);
        self.make_parent(&target)?;
        // A new staging folder holds nothing yet: only a reused one needs the
        // write-then-rename that replaces a file whole.
        let meta = write_file(&target, bytes, self.reused)?;
        self.record(
            path,
            FileRecord {
                key: key.unwrap_or(0),
                content,
                size: meta.len(),
                mtime: mtime(&meta).unwrap_or(0),
                inode: inode(&meta),
            },
        );
        Ok(())
    }

    /// Carries the current site's file at `path` into the new site.
    fn keep(&self, path: &str, record: FileRecord) -> anyhow::Result<()> {
        let rel = safe_relative(path)?;
        let (from, target) = (self.output.join(rel), self.dir.join(rel));
        // Only a reused folder can hold the file already; `has` may have seen it there.
        let already = self.reused
            && (self.staged.lock().is_ok_and(|staged| staged.contains(path))
                || fs::symlink_metadata(&target).is_ok_and(|meta| meta.is_file() && inode(&meta) == record.inode));
        if !already {
            self.make_parent(&target)?;
            // Whatever the folder holds there is unlinked first (see
            // `write_file`).
            if self.reused || target.exists() {
                remove_if_there(&target).with_context(|| format!("cannot replace {}", target.display()))?;
            }
            let linked = fs::hard_link(&from, &target).is_ok();
            if !linked {
                // A file system without hard links: copy (the time changes, the bytes do not).
                let bytes = fs::read(&from).with_context(|| format!("cannot read {}", from.display()))?;
                return self.put_new(path, &target, &bytes, record);
            }
        }
        self.kept.fetch_add(1, Ordering::Relaxed);
        self.record(path, record);
        Ok(())
    }

    /// Writes a copy of a kept file where linking failed.
    fn put_new(&self, path: &str, target: &Path, bytes: &[u8], record: FileRecord) -> anyhow::Result<()> {
        let meta = write_file(target, bytes, true)?;
        self.record(
            path,
            FileRecord {
                mtime: mtime(&meta).unwrap_or(0),
                inode: inode(&meta),
                ..record
            },
        );
        Ok(())
    }

    fn record(&self, path: &str, record: FileRecord) {
        self.count.fetch_add(1, Ordering::Relaxed);
        if let Ok(mut records) = self.records.lock() {
            records.push((path.to_string(), record));
        }
    }

    /// Swaps the finished site in for the output.
    pub fn finish(mut self) -> anyhow::Result<Written> {
        let kept_before = self.kept.load(Ordering::Relaxed);
        let poisoned = || anyhow::anyhow!("a writer thread panicked");
        let id = site_id(
            self.records
                .lock()
                .map_err(|_| poisoned())?
                .iter()
                .map(|(p, _)| p.as_str()),
        );
        let marker = format!("{MARKER_TEXT}files {id:032x}\n");
        self.put(MARKER, marker.as_bytes(), None)?;
        let records = std::mem::take(&mut *self.records.lock().map_err(|_| poisoned())?);
        if self.reused {
            let written: FxHashSet<&str> = records.iter().map(|(path, _)| path.as_str()).collect();
            match &self.spare_files {
                Some(files) => remove_listed(&self.dir, files, &written)?,
                None => remove_others(&self.dir, &written)?,
            }
        }
        swap_in(&self.dir, &self.output, &self.spare)?;
        self.finished = true;
        // The site swapped out is the spare now.
        let mut spare: Vec<String> = self.previous.files.keys().cloned().collect();
        spare.sort_unstable();
        let kept = self.kept.load(Ordering::Relaxed);
        Ok(Written {
            // The marker is not counted: it is not part of the site.
            files: self.count.load(Ordering::Relaxed).saturating_sub(1),
            kept: kept_before.min(kept),
            manifest: Manifest {
                files: records.into_iter().collect(),
                spare,
            },
        })
    }
}

impl Drop for Staging {
    fn drop(&mut self) {
        if !self.finished {
            // Unfinished: it can still serve as the next build's spare.
            let _ = keep_as_spare(&self.dir, &self.spare);
        }
    }
}

/// Writes `bytes` to `target` and returns the new file's metadata. With
/// `replace`, an existing `target` is unlinked first and the bytes go to a
/// new file: an existing file is never written into, as it may be the
/// current site's (a hard link). Not a temporary file renamed over it: the
/// staging folder is published whole or not at all, so no file in it need
/// be replaced atomically, and ext4 starts writing back a file renamed over
/// another at once (its `auto_da_alloc`), which was most of what renaming
/// cost an add-one rebuild.
fn write_file(target: &Path, bytes: &[u8], replace: bool) -> anyhow::Result<fs::Metadata> {
    if replace {
        remove_if_there(target).with_context(|| format!("cannot replace {}", target.display()))?;
    }
    // The metadata comes from the open file (no second walk of the path).
    fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(target)
        .and_then(|mut file| {
            file.write_all(bytes)?;
            file.metadata()
        })
        .with_context(|| format!("cannot write {}", target.display()))
}

/// Removes the file at `path`; one already gone is no error.
pub(crate) fn remove_if_there(path: &Path) -> std::io::Result<()> {
    match fs::remove_file(path) {
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
        other => other,
    }
}

/// Removes the files of `listed` (what `dir` holds, paths relative to it)
/// that are not in `keep`, then the folders that left empty.
fn remove_listed(dir: &Path, listed: &[String], keep: &FxHashSet<&str>) -> anyhow::Result<()> {
    let mut folders = BTreeSet::new();
    for path in listed.iter().filter(|p| !keep.contains(p.as_str())) {
        let target = dir.join(safe_relative(path)?);
        remove_if_there(&target).with_context(|| format!("cannot remove {}", target.display()))?;
        folders.extend(
            target
                .ancestors()
                .skip(1)
                .take_while(|f| *f != dir)
                .map(Path::to_path_buf),
        );
    }
    remove_empty(folders.into_iter().collect());
    Ok(())
}

/// Removes every file under `dir` that is not in `keep` (paths relative to
/// `dir`), then the folders left empty: what an earlier site had and this one has not.
fn remove_others(dir: &Path, keep: &FxHashSet<&str>) -> anyhow::Result<()> {
    let mut folders = Vec::new();
    for entry in WalkDir::new(dir).min_depth(1).follow_links(false) {
        let entry = entry.with_context(|| format!("cannot read {}", dir.display()))?;
        let rel = entry.path().strip_prefix(dir).context("walked outside the site")?;
        let rel = rel.to_string_lossy().replace('\\', "/");
        if entry.file_type().is_dir() {
            folders.push(entry.into_path());
        } else if !keep.contains(rel.as_str()) {
            fs::remove_file(entry.path()).with_context(|| format!("cannot remove {}", entry.path().display()))?;
        }
    }
    remove_empty(folders);
    Ok(())
}

/// Removes those of `folders` that are empty once their subfolders are.
fn remove_empty(mut folders: Vec<PathBuf>) {
    // Deepest first, so a folder's subfolders are gone before it is tried.
    folders.sort_by_key(|f| std::cmp::Reverse(f.components().count()));
    for folder in folders {
        // Fails, harmlessly, for every folder that still holds files.
        let _ = fs::remove_dir(&folder);
    }
}

/// Whether a file's metadata is as `record` says its build left it.
fn same_file(meta: &fs::Metadata, record: &FileRecord) -> bool {
    meta.is_file() && meta.len() == record.size && mtime(meta) == Some(record.mtime) && inode(meta) == record.inode
}

/// A file's modification time in nanoseconds since the epoch.
fn mtime(meta: &fs::Metadata) -> Option<i128> {
    let time = meta.modified().ok()?;
    let since = time.duration_since(std::time::UNIX_EPOCH).ok()?;
    Some(since.as_nanos() as i128)
}

/// A file's inode number: tells a hard link to a file from a copy of it.
fn inode(meta: &fs::Metadata) -> u64 {
    std::os::unix::fs::MetadataExt::ino(meta)
}

/// Puts the staged site in place. With an old site there, the two folders are
/// exchanged in one atomic rename, so the output path always holds a whole
/// site; the old one becomes the spare.
fn swap_in(staging: &Path, output: &Path, spare: &Path) -> anyhow::Result<()> {
    if output.exists() {
        rustix::fs::renameat_with(
            rustix::fs::CWD,
            staging,
            rustix::fs::CWD,
            output,
            rustix::fs::RenameFlags::EXCHANGE,
        )
        .with_context(|| format!("cannot swap the new site into {}", output.display()))?;
        // `staging` now holds the previous site: the next build's starting point.
        keep_as_spare(staging, spare)
            .with_context(|| format!("cannot remove the previous site at {}", staging.display()))?;
    } else {
        fs::rename(staging, output).with_context(|| format!("cannot move the new site to {}", output.display()))?;
    }
    Ok(())
}

/// Makes the site folder `dir` the spare, the next build's staging folder,
/// unless there is one already; then removes it.
fn keep_as_spare(dir: &Path, spare: &Path) -> std::io::Result<()> {
    if spare.exists() || fs::rename(dir, spare).is_err() {
        fs::remove_dir_all(dir)?;
    }
    Ok(())
}

/// Deals with staging folders left by builds that were killed before they
/// finished: one becomes the spare if there is none (its files are never
/// trusted, only replaced or linked over), the rest are removed.
fn clean_leftovers(parent: &Path, name: &str, spare: &Path) {
    let prefix = format!(".{name}.briefing-new-");
    let Ok(entries) = fs::read_dir(parent) else { return };
    for entry in entries.flatten() {
        let file_name = entry.file_name().to_string_lossy().to_string();
        // Only names this module makes (prefix and a process id) are removed:
        // a user's `.public.briefing-new-notes` is left alone.
        let pid = file_name
            .strip_prefix(&prefix)
            .filter(|pid| !pid.is_empty() && pid.bytes().all(|b| b.is_ascii_digit()));
        if let Some(pid) = pid {
            let alive = Path::new("/proc").join(pid).exists();
            if !alive {
                let _ = keep_as_spare(&entry.path(), spare);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rayon::prelude::*;

    /// Writes `pages` and the files of `static_dir` into `output`, replacing it whole.
    /// Returns the number of files written.
    fn write_site(output: &Path, pages: &[Page], static_dir: &Path) -> anyhow::Result<usize> {
        let staging = Staging::begin(output, static_dir, Manifest::default())?;
        pages.par_iter().try_for_each(|page| staging.write(page))?;
        Ok(staging.finish()?.files)
    }

    #[test]
    fn page_paths_must_stay_inside() {
        assert!(safe_relative("topics/a/index.html").is_ok());
        for bad in ["../x", "/etc/passwd", "a/../../x", "C:\\x", ""] {
            assert!(safe_relative(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn output_folder_rules() -> anyhow::Result<()> {
        let project = tempfile::tempdir()?;
        let root = project.path();
        fs::create_dir(root.join("content"))?;
        assert!(check_output_dir(root, &root.join("public"), false).is_ok());
        assert!(check_output_dir(root, root, true).is_err());
        assert!(check_output_dir(root, &root.join(".."), true).is_err());
        assert!(check_output_dir(root, &root.join("../elsewhere"), false).is_err());
        assert!(check_output_dir(root, &root.join("../elsewhere"), true).is_ok());
        fs::create_dir(root.join("mine"))?;
        fs::write(root.join("mine/notes.txt"), "keep")?;
        assert!(check_output_dir(root, &root.join("mine"), true).is_err());
        Ok(())
    }

    #[test]
    fn write_replaces_the_previous_site_whole() -> anyhow::Result<()> {
        let dir = tempfile::tempdir()?;
        let out = dir.path().join("public");
        let page = |path: &str, text: &str| Page::new(path, text.as_bytes().to_vec());
        write_site(
            &out,
            &[page("index.html", "one"), page("old/index.html", "x")],
            &dir.path().join("static"),
        )?;
        write_site(&out, &[page("index.html", "two")], &dir.path().join("static"))?;
        assert_eq!(fs::read_to_string(out.join("index.html"))?, "two");
        assert!(!out.join("old").exists());
        let mut leftovers: Vec<_> = fs::read_dir(dir.path())?.flatten().map(|e| e.file_name()).collect();
        leftovers.sort();
        assert_eq!(leftovers, [".public.briefing-spare", "public"]);
        Ok(())
    }

    /// Every file under `dir`, relative, sorted.
    fn files_under(dir: &Path) -> Vec<String> {
        let mut files: Vec<String> = WalkDir::new(dir)
            .into_iter()
            .flatten()
            .filter(|e| e.file_type().is_file())
            .filter_map(|e| Some(e.path().strip_prefix(dir).ok()?.to_string_lossy().to_string()))
            .collect();
        files.sort();
        files
    }

    #[test]
    fn the_spare_is_trusted_only_as_a_finished_build_left_it() -> anyhow::Result<()> {
        let dir = tempfile::tempdir()?;
        let (out, static_dir) = (dir.path().join("public"), dir.path().join("static"));
        let page = |path: &str| Page::new(path, path.as_bytes().to_vec());
        let build = |manifest: Manifest, pages: &[&str]| -> anyhow::Result<Manifest> {
            let staging = Staging::begin(&out, &static_dir, manifest)?;
            for path in pages {
                staging.write(&page(path))?;
            }
            Ok(staging.finish()?.manifest)
        };
        let first = build(Manifest::default(), &["a.html", "b/index.html"])?;
        let second = build(first, &["a.html", "c/index.html"])?;
        assert_eq!(second.spare, [MARKER, "a.html", "b/index.html"]);
        // The spare is the first site, and its marker says so: the list is
        // enough to remove what the next site lacks.
        let third = build(second.clone(), &["d.html"])?;
        assert_eq!(files_under(&out), [MARKER, "d.html"]);
        // A build that fails leaves files in the spare that no list names:
        // the next build must find them, whatever the manifest says.
        let failed = Staging::begin(&out, &static_dir, third.clone())?;
        failed.write(&page("stray/index.html"))?;
        drop(failed);
        build(third, &["e.html"])?;
        assert_eq!(files_under(&out), [MARKER, "e.html"]);
        Ok(())
    }

    /// A page is kept only while the file the last build wrote is as it was:
    /// an output file edited in place (which its hard link in the reused
    /// folder shares) is rendered again; one replaced by another file is
    /// restored from the reused folder's link, which still holds its bytes.
    #[test]
    fn kept_pages_are_the_files_the_builds_wrote() -> anyhow::Result<()> {
        let dir = tempfile::tempdir()?;
        let (out, static_dir) = (dir.path().join("public"), dir.path().join("static"));
        let pages = ["a.html", "b.html", "c.html"];
        let build = |manifest: Manifest| -> anyhow::Result<(Manifest, Vec<&str>)> {
            let staging = Staging::begin(&out, &static_dir, manifest)?;
            let mut kept = Vec::new();
            for path in pages {
                if staging.has(path, 7) {
                    kept.push(path);
                    staging.write(&Page::kept(path, 7))?;
                } else {
                    staging.write(&Page::new(path, format!("page {path}").into_bytes()).with_key(7))?;
                }
            }
            Ok((staging.finish()?.manifest, kept))
        };
        let (first, kept) = build(Manifest::default())?;
        assert!(kept.is_empty());
        let (second, kept) = build(first)?;
        assert_eq!(kept, pages, "kept from the current site");
        // From here the reused folder is the first site, linked to the second.
        let mut a = fs::OpenOptions::new().append(true).open(out.join("a.html"))?;
        a.write_all(b" edited")?;
        drop(a);
        fs::write(out.join("b.tmp"), "replaced")?;
        fs::rename(out.join("b.tmp"), out.join("b.html"))?;
        let (_, kept) = build(second)?;
        assert_eq!(kept, ["b.html", "c.html"]);
        for path in pages {
            assert_eq!(fs::read_to_string(out.join(path))?, format!("page {path}"));
        }
        Ok(())
    }
}
