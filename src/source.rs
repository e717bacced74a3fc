//! Finds the article files under `content/` in a stable, sorted order and reads
//! their bytes. The only stage that reads content; it decodes nothing.

use crate::diagnostics::Diagnostic;
use rayon::prelude::*;
use std::path::{Path, PathBuf};
use walkdir::WalkDir;

/// One article file as read from disk.
#[derive(Debug, Clone)]
pub struct SourceFile {
    /// Path relative to the project root, with `/` separators, for messages and ids.
    pub rel: String,
    pub bytes: Vec<u8>,
}

/// File extensions read as articles.
pub const ARTICLE_EXTENSIONS: [&str; 3] = ["txt", "md", "markdown"];

/// Walks `root/content` (sorted by file name, symlinks not followed) and reads
/// every article file. Problems (unreadable files, walk errors, files of other
/// kinds) become diagnostics; the walk carries on past them.
pub fn read_content(root: &Path) -> (Vec<SourceFile>, Vec<Diagnostic>) {
    let content = root.join("content");
    let mut diagnostics = Vec::new();
    let mut paths: Vec<PathBuf> = Vec::new();
    if !content.is_dir() {
        diagnostics.push(Diagnostic::warning(
            rel_to(root, &content),
            "no content folder: the briefing has no articles",
        ));
        return (Vec::new(), diagnostics);
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
                        paths.push(entry.into_path());
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
    let read: Vec<Result<SourceFile, Diagnostic>> = paths
        .par_iter()
        .map(|path| {
            let rel = rel_to(root, path);
            std::fs::read(path)
                .map(|bytes| SourceFile {
                    rel: rel.clone(),
                    bytes,
                })
                .map_err(|e| Diagnostic::error(rel, format!("cannot read: {e}")))
        })
        .collect();
    let mut files = Vec::with_capacity(read.len());
    for result in read {
        match result {
            Ok(file) => files.push(file),
            Err(d) => diagnostics.push(d),
        }
    }
    (files, diagnostics)
}

/// `path` relative to `root` with `/` separators, for messages and stable ids.
pub fn rel_to(root: &Path, path: &Path) -> String {
    let rel = path.strip_prefix(root).unwrap_or(path);
    rel.components()
        .map(|c| c.as_os_str().to_string_lossy())
        .collect::<Vec<_>>()
        .join("/")
}
