//! Problems found in the user's input, collected rather than thrown, so that
//! `check` and `build` can report every one of them in one run.

use std::fmt;
use std::path::{Path, PathBuf};

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, serde::Serialize, serde::Deserialize)]
pub enum Severity {
    Warning,
    Error,
}

/// One problem, located as precisely as the input allows.
/// Lines and columns are 1-based and count from the top of the original file.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Diagnostic {
    pub severity: Severity,
    pub path: PathBuf,
    pub line: Option<usize>,
    pub column: Option<usize>,
    pub message: String,
}

impl Diagnostic {
    pub fn error(path: impl AsRef<Path>, message: impl Into<String>) -> Self {
        Self {
            severity: Severity::Error,
            path: path.as_ref().to_path_buf(),
            line: None,
            column: None,
            message: message.into(),
        }
    }

    pub fn warning(path: impl AsRef<Path>, message: impl Into<String>) -> Self {
        Self {
            severity: Severity::Warning,
            ..Self::error(path, message)
        }
    }

    pub fn at(mut self, line: usize, column: Option<usize>) -> Self {
        self.line = Some(line);
        self.column = column;
        self
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.path.display())?;
        if let Some(line) = self.line {
            write!(f, ":{line}")?;
            if let Some(column) = self.column {
                write!(f, ":{column}")?;
            }
        }
        let label = match self.severity {
            Severity::Warning => "warning",
            Severity::Error => "error",
        };
        write!(f, ": {label}: {}", self.message)
    }
}

/// 1-based line and column of a byte offset in `text`; the column counts characters.
pub fn line_column(text: &str, offset: usize) -> (usize, usize) {
    let offset = offset.min(text.len());
    let mut start = offset;
    while !text.is_char_boundary(start) {
        start -= 1;
    }
    let before = &text[..start];
    let line = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    let column = before[line_start..].chars().count() + 1;
    (line, column)
}

/// The errors of a failed stage, carried as one `anyhow` error.
#[derive(Debug)]
pub struct Failed(pub Vec<Diagnostic>);

impl fmt::Display for Failed {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let errors = self.0.iter().filter(|d| d.severity == Severity::Error).count();
        write!(f, "found {errors} error{}", if errors == 1 { "" } else { "s" })
    }
}

impl std::error::Error for Failed {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_and_column_are_one_based() {
        let text = "a = 1\nb = é2\n";
        assert_eq!(line_column(text, 0), (1, 1));
        assert_eq!(line_column(text, 6), (2, 1));
        assert_eq!(line_column(text, 12), (2, 6));
    }

    #[test]
    fn display_names_file_line_and_column() {
        let d = Diagnostic::error("site.toml", "expected `=`").at(3, Some(7));
        assert_eq!(d.to_string(), "site.toml:3:7: error: expected `=`");
    }
}
