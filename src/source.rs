//! Finds the article files under `content/` in a stable, sorted order and reads
//! their bytes. The only stage that reads content; it decodes nothing.

use crate::diagnostics::Diagnostic;
use std::io::Read as _;
use std::path::{Path, PathBuf};
use walkdir::WalkDir;

/// One article file as read from disk.
#[derive(Debug, Clone)]
pub struct SourceFile {
    /// Path relative to the project root, with `/` separators, for messages and ids.
    pub rel: String,
    pub bytes: Vec<u8>,
}

/// One article file found under `content/`, not yet read.
#[derive(Debug, Clone)]
pub struct Listed {
    /// As [`SourceFile::rel`].
    pub rel: String,
    pub path: PathBuf,
}

/// What a file's metadata says about its bytes without reading them: the
/// same stamp as when they were read means the same bytes, provided the file
/// had settled before it was read (see [`Stamp::settled`]). This is how git
/// tells an unchanged file from its index; the build cache keeps a stamp per
/// file so that a rebuild reads only new and changed articles.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Stamp {
    pub size: u64,
    pub inode: u64,
    /// Modification time, in nanoseconds since the epoch.
    pub mtime: i128,
    /// Status-change time, in nanoseconds since the epoch: set by every write
    /// and never by a program's choice (unlike the modification time, which
    /// `touch -d` or an unpacker can set back).
    pub ctime: i128,
}

/// How long a file must have been left alone before its stamp is trusted.
/// File times tick coarsely (a few milliseconds): a write in the same tick
/// as the stamp was taken could leave it unchanged. Two seconds also covers
/// a network filesystem whose clock is a little off.
pub const SETTLE: std::time::Duration = std::time::Duration::from_secs(2);

impl Stamp {
    /// The stamp of an open file or of a path's metadata; `None` where the
    /// platform has no status-change time (then every file is read).
    pub fn of(meta: &std::fs::Metadata) -> Option<Stamp> {
        #[cfg(unix)]
        {
            use std::os::unix::fs::MetadataExt as _;
            let nanos = |secs: i64, nsec: i64| i128::from(secs) * 1_000_000_000 + i128::from(nsec);
            meta.is_file().then(|| Stamp {
                size: meta.size(),
                inode: meta.ino(),
                mtime: nanos(meta.mtime(), meta.mtime_nsec()),
                ctime: nanos(meta.ctime(), meta.ctime_nsec()),
            })
        }
        #[cfg(not(unix))]
        {
            let _ = meta;
            None
        }
    }

    /// Whether the file had been left alone for [`SETTLE`] at `now` (nanoseconds
    /// since the epoch, taken before the file was read): only then does a later
    /// write to it always change its stamp.
    pub fn settled(&self, now: i128) -> bool {
        let settle = SETTLE.as_nanos() as i128;
        self.ctime < now - settle && self.mtime < now - settle
    }
}

/// Now, in nanoseconds since the epoch, as [`Stamp`] counts.
pub fn now_nanos() -> i128 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos() as i128)
}

/// File extensions read as articles.
pub const ARTICLE_EXTENSIONS: [&str; 3] = ["txt", "md", "markdown"];

/// Walks `root/content` (sorted by file name, symlinks not followed) and lists
/// every article file, reading none. Problems (walk errors, files of other
/// kinds) become diagnostics; the walk carries on past them.
pub fn list_content(root: &Path) -> (Vec<Listed>, Vec<Diagnostic>) {
    let content = root.join("content");
    let mut diagnostics = Vec::new();
    let mut listed = Vec::new();
    if !content.is_dir() {
        diagnostics.push(Diagnostic::warning(
            rel_to(root, &content),
            "no content folder: the briefing has no articles",
        ));
        return (listed, diagnostics);
    }
    for entry in WalkDir::new(&content).follow_links(false).sort_by_file_name() {
        match entry {
            Ok(entry) => {
                let file_type = entry.file_type();
                let name = entry.file_name().to_string_lossy();
                if entry.depth() > 0 && name.starts_with('.') {
                    continue;
                }
                if file_type.is_symlink() {
                    diagnostics.push(Diagnostic::warning(
                        rel_to(root, entry.path()),
                        "skipped a symbolic link: articles are read only from regular files inside content/",
                    ));
                } else if file_type.is_file() {
                    let is_article = entry
                        .path()
                        .extension()
                        .and_then(|e| e.to_str())
                        .is_some_and(|e| ARTICLE_EXTENSIONS.contains(&e.to_ascii_lowercase().as_str()));
                    if is_article {
                        listed.push(Listed {
                            rel: rel_to(root, entry.path()),
                            path: entry.into_path(),
                        });
                    } else {
                        diagnostics.push(Diagnostic::warning(
                            rel_to(root, entry.path()),
                            "skipped: not an article (articles end in .txt or .md)",
                        ));
                    }
                }
            }
            Err(error) => {
                let path = error.path().map_or_else(|| content.clone(), Path::to_path_buf);
                diagnostics.push(Diagnostic::error(rel_to(root, &path), format!("cannot read: {error}")));
            }
        }
    }
    (listed, diagnostics)
}

/// Reads a listed file, with the stamp of the file as it was opened (taken
/// before the bytes, so a write during the read changes the stamp).
pub fn read(listed: &Listed) -> Result<(SourceFile, Option<Stamp>), Diagnostic> {
    let error = |e: std::io::Error| Diagnostic::error(&listed.rel, format!("cannot read: {e}"));
    let mut file = std::fs::File::open(&listed.path).map_err(error)?;
    let meta = file.metadata().map_err(error)?;
    let mut bytes = Vec::with_capacity(usize::try_from(meta.len()).unwrap_or(0));
    file.read_to_end(&mut bytes).map_err(error)?;
    let file = SourceFile {
        rel: listed.rel.clone(),
        bytes,
    };
    Ok((file, Stamp::of(&meta)))
}

/// The stamp of a listed file as it is now, without opening it.
pub fn stamp(listed: &Listed) -> Option<Stamp> {
    std::fs::symlink_metadata(&listed.path)
        .ok()
        .as_ref()
        .and_then(Stamp::of)
}

/// `path` relative to `root` with `/` separators, for messages and stable ids.
pub fn rel_to(root: &Path, path: &Path) -> String {
    // A Unix path under `root` whose rest is plain names is its own answer,
    // found on its bytes: `strip_prefix` and `components` spent 40 million
    // instructions on the 10,000 files of a walk.
    #[cfg(unix)]
    {
        use std::os::unix::ffi::OsStrExt as _;
        let rest = path
            .as_os_str()
            .as_bytes()
            .strip_prefix(root.as_os_str().as_bytes())
            .and_then(|rest| rest.strip_prefix(b"/"))
            .and_then(|rest| std::str::from_utf8(rest).ok());
        if let Some(text) = rest {
            if text
                .split('/')
                .all(|name| !name.is_empty() && name != "." && name != "..")
            {
                return text.to_string();
            }
        }
    }
    let rel = path.strip_prefix(root).unwrap_or(path);
    rel.components()
        .map(|c| c.as_os_str().to_string_lossy())
        .collect::<Vec<_>>()
        .join("/")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_relative_path_has_slashes_whatever_its_shape() {
        let root = Path::new("/project");
        for (path, rel) in [
            ("/project/content/articles/a.txt", "content/articles/a.txt"),
            ("/project/content//articles/./b.md", "content/articles/b.md"),
            ("/project/content/../c.txt", "content/../c.txt"),
            ("/project/content/", "content"),
            ("e.txt", "e.txt"),
        ] {
            assert_eq!(rel_to(root, Path::new(path)), rel, "{path}");
        }
        assert_eq!(rel_to(Path::new("/project/"), Path::new("/project/a/b.txt")), "a/b.txt");
        assert_eq!(rel_to(Path::new("."), Path::new("./content/c.txt")), "content/c.txt");
        // Not under the root: not cut inside a name.
        assert!(rel_to(Path::new("/pro"), Path::new("/project/d.txt")).ends_with("/project/d.txt"));
    }
}
