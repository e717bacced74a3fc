//! Helpers shared by the integration tests (each test file is its own crate
//! and includes this module with `mod common;`).

use std::path::Path;

/// Copies a project's own files (`site.toml`, `content/`, `templates/`,
/// `static/`), not its output or build folders, to `to`.
pub fn copy_project(from: &Path, to: &Path) -> anyhow::Result<()> {
    std::fs::create_dir_all(to)?;
    std::fs::copy(from.join("site.toml"), to.join("site.toml"))?;
    for folder in ["content", "templates", "static"] {
        let source = from.join(folder);
        if !source.is_dir() {
            continue;
        }
        for entry in walkdir::WalkDir::new(&source) {
            let entry = entry?;
            let target = to.join(entry.path().strip_prefix(from)?);
            if entry.file_type().is_dir() {
                std::fs::create_dir_all(&target)?;
            } else {
                std::fs::copy(entry.path(), &target)?;
            }
        }
    }
    Ok(())
}
