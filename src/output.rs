//! The only writer: pages and static files → the output folder, atomically.
//! A build is written into a fresh folder beside the output and swapped in
//! only when complete, so a failed or killed build leaves the previous site whole.

use crate::render::Page;
use anyhow::{bail, Context as _};
use std::collections::BTreeSet;
use std::fs;
use std::path::{Component, Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;
use walkdir::WalkDir;

/// Written into every output folder so that a later build knows the folder is
/// its own to replace, and never replaces a folder of the user's.
pub const MARKER: &str = ".briefing-output";

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

/// A site being written: a fresh folder beside the output that receives the
/// files one by one, from any thread, and replaces the output only when
/// `finish` is called. Dropped unfinished, it removes itself.
pub struct Staging {
    dir: PathBuf,
    output: PathBuf,
    /// Folders already created, so each is made once.
    made: Mutex<BTreeSet<PathBuf>>,
    count: AtomicUsize,
    finished: bool,
}

impl Staging {
    /// Starts a new site for `output`, with the files of `static_dir` in it
    /// (a generated page written later replaces a static file of the same path).
    pub fn begin(output: &Path, static_dir: &Path) -> anyhow::Result<Staging> {
        let output = normalise(output);
        let parent = output.parent().context("the output folder has no parent folder")?;
        fs::create_dir_all(parent).with_context(|| format!("cannot create {}", parent.display()))?;
        let name = output
            .file_name()
            .context("the output folder has no name")?
            .to_string_lossy()
            .to_string();
        clean_leftovers(parent, &name);
        let dir = parent.join(format!(".{name}.briefing-new-{}", std::process::id()));
        if dir.exists() {
            fs::remove_dir_all(&dir).with_context(|| format!("cannot clear {}", dir.display()))?;
        }
        fs::create_dir_all(&dir).with_context(|| format!("cannot create {}", dir.display()))?;
        let staging = Staging {
            dir,
            output,
            made: Mutex::new(BTreeSet::new()),
            count: AtomicUsize::new(0),
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
            let target = self.dir.join(rel);
            self.make_parent(&target)?;
            fs::copy(entry.path(), &target)
                .with_context(|| format!("cannot copy {} to {}", entry.path().display(), target.display()))?;
            self.count.fetch_add(1, Ordering::Relaxed);
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

    /// Writes one page; safe to call from several threads.
    pub fn write(&self, page: &Page) -> anyhow::Result<()> {
        let target = self.dir.join(safe_relative(&page.path)?);
        self.make_parent(&target)?;
        fs::write(&target, &page.bytes).with_context(|| format!("cannot write {}", target.display()))?;
        self.count.fetch_add(1, Ordering::Relaxed);
        Ok(())
    }

    /// Swaps the finished site in for the output. Returns the number of files.
    pub fn finish(mut self) -> anyhow::Result<usize> {
        let marker = self.dir.join(MARKER);
        fs::write(
            &marker,
            "This folder is written by `briefing build` and replaced whole on every build.\n",
        )
        .with_context(|| format!("cannot write {}", marker.display()))?;
        swap_in(&self.dir, &self.output)?;
        self.finished = true;
        Ok(self.count.load(Ordering::Relaxed))
    }
}

impl Drop for Staging {
    fn drop(&mut self) {
        if !self.finished {
            let _ = fs::remove_dir_all(&self.dir);
        }
    }
}

/// Puts the staged site in place. With an old site there, the two folders are
/// exchanged in one atomic rename, so the output path always holds a whole site.
fn swap_in(staging: &Path, output: &Path) -> anyhow::Result<()> {
    if output.exists() {
        rustix::fs::renameat_with(
            rustix::fs::CWD,
            staging,
            rustix::fs::CWD,
            output,
            rustix::fs::RenameFlags::EXCHANGE,
        )
        .with_context(|| format!("cannot swap the new site into {}", output.display()))?;
        // `staging` now holds the previous site.
        fs::remove_dir_all(staging)
            .with_context(|| format!("cannot remove the previous site at {}", staging.display()))?;
    } else {
        fs::rename(staging, output).with_context(|| format!("cannot move the new site to {}", output.display()))?;
    }
    Ok(())
}

/// Removes staging folders left by builds that were killed before they finished.
fn clean_leftovers(parent: &Path, name: &str) {
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
                let _ = fs::remove_dir_all(entry.path());
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
        let staging = Staging::begin(output, static_dir)?;
        pages.par_iter().try_for_each(|page| staging.write(page))?;
        staging.finish()
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
        let page = |path: &str, text: &str| Page {
            path: path.into(),
            bytes: text.as_bytes().to_vec(),
        };
        write_site(
            &out,
            &[page("index.html", "one"), page("old/index.html", "x")],
            &dir.path().join("static"),
        )?;
        write_site(&out, &[page("index.html", "two")], &dir.path().join("static"))?;
        assert_eq!(fs::read_to_string(out.join("index.html"))?, "two");
        assert!(!out.join("old").exists());
        let leftovers: Vec<_> = fs::read_dir(dir.path())?.flatten().map(|e| e.file_name()).collect();
        assert_eq!(leftovers, [std::ffi::OsString::from("public")]);
        Ok(())
    }
}
