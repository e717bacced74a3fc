//! The `+++` TOML front-matter block at the top of an article.

use crate::config::toml_diagnostic;
use crate::diagnostics::{line_column, Diagnostic};
use std::collections::BTreeMap;
use std::path::Path;
use time::Date;
use toml::Spanned;

/// Front matter as validated: every key optional.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FrontMatter {
    pub title: Option<String>,
    pub date: Option<Date>,
    pub source: Option<String>,
    pub url: Option<String>,
    pub slug: Option<String>,
}

const KEYS: [&str; 5] = ["title", "date", "source", "url", "slug"];

/// Splits `text` into front matter and body. Returns the body and the 1-based
/// line of the original file on which it starts. No front matter is not an error.
pub fn split_front_matter<'t>(rel: &str, text: &'t str) -> Result<(FrontMatter, &'t str, usize), Diagnostic> {
    let Some(after_open) = text
        .strip_prefix("+++\n")
        .or_else(|| (text.trim_end() == "+++").then_some(""))
    else {
        return Ok((FrontMatter::default(), text, 1));
    };
    let mut offset = 0;
    let mut close = None;
    for line in after_open.split_inclusive('\n') {
        if line.trim_end() == "+++" {
            close = Some((offset, offset + line.len()));
            break;
        }
        offset += line.len();
    }
    let Some((toml_end, body_start)) = close else {
        return Err(Diagnostic::error(
            rel,
            "front matter opened with `+++` is never closed: add a line `+++` after it",
        )
        .at(1, Some(1)));
    };
    let toml_text = &after_open[..toml_end];
    let body = &after_open[body_start..];
    let body_line = 2 + after_open[..body_start].matches('\n').count();
    let front = parse_toml(rel, toml_text)?;
    Ok((front, body, body_line))
}

/// Parses the TOML between the fences. Every key is read with its position,
/// so each error points at the key or value it is about; positions are
/// shifted by the opening `+++` line. The first error in the file is returned.
fn parse_toml(rel: &str, toml_text: &str) -> Result<FrontMatter, Diagnostic> {
    let at = |span: std::ops::Range<usize>, message: String| {
        let (line, column) = line_column(toml_text, span.start);
        Diagnostic::error(rel, message).at(line + 1, Some(column))
    };
    let table: BTreeMap<Spanned<String>, Spanned<toml::Value>> =
        toml::from_str(toml_text).map_err(|e| toml_error(rel, toml_text, &e))?;
    let mut entries: Vec<_> = table.into_iter().collect();
    entries.sort_by_key(|(key, _)| key.span().start);
    let mut front = FrontMatter::default();
    for (key, value) in entries {
        let (key_span, value_span) = (key.span(), value.span());
        let (key, value) = (key.into_inner(), value.into_inner());
        if key == "date" {
            front.date = Some(parse_date(&value).map_err(|message| at(value_span, message))?);
            continue;
        }
        let slot = match key.as_str() {
            "title" => &mut front.title,
            "source" => &mut front.source,
            "url" => &mut front.url,
            "slug" => &mut front.slug,
            _ => {
                let hint = KEYS
                    .iter()
                    .map(|k| (strsim::levenshtein(k, &key), k))
                    .min()
                    .filter(|(distance, _)| *distance <= 2)
                    .map_or_else(
                        || format!("expected one of {}", KEYS.join(", ")),
                        |(_, k)| format!("did you mean `{k}`?"),
                    );
                return Err(at(key_span, format!("unknown front-matter key `{key}`: {hint}")));
            }
        };
        let toml::Value::String(text) = value else {
            return Err(at(
                value_span,
                format!("`{key}` must be a string in quotes, found {}", a_type(&value)),
            ));
        };
        if key == "slug" && !crate::text::is_url_safe_slug(&text) {
            return Err(at(
                value_span,
                format!(
                    "`slug = {text:?}` is not URL-safe: use lowercase letters, digits and hyphens, e.g. {:?}",
                    crate::text::slugify(&text)
                ),
            ));
        }
        *slot = Some(text);
    }
    front.title = front.title.map(|t| t.trim().to_string()).filter(|t| !t.is_empty());
    Ok(front)
}

/// `date` as a TOML date (`2020-10-07`, a time after it is ignored) or a string
/// holding one; anything else, or a day that does not exist, is an error.
fn parse_date(value: &toml::Value) -> Result<Date, String> {
    let written = match value {
        toml::Value::Datetime(dt) => dt.to_string(),
        toml::Value::String(s) => s.clone(),
        other => {
            return Err(format!(
                "`date` must be a date like 2020-10-07, found {}",
                a_type(other)
            ))
        }
    };
    let day = written.get(..10).unwrap_or(&written);
    super::parse_iso_date(day).ok_or_else(|| format!("`date = {written}` is not a calendar date: expected YYYY-MM-DD"))
}

/// "an integer", "a table", … for messages.
fn a_type(value: &toml::Value) -> String {
    let name = match value {
        toml::Value::Datetime(_) => "date",
        other => other.type_str(),
    };
    let article = if name.starts_with(['a', 'e', 'i', 'o', 'u']) {
        "an"
    } else {
        "a"
    };
    format!("{article} {name}")
}

/// A TOML syntax error, shifted by the opening line. TOML itself refuses a
/// day that does not exist (`date = 2020-02-30`), with a message that does
/// not say which value is wrong; that one is reworded.
fn toml_error(rel: &str, toml_text: &str, error: &toml::de::Error) -> Diagnostic {
    let mut diagnostic = toml_diagnostic(Path::new(rel), toml_text, error);
    let line_text = diagnostic.line.and_then(|l| toml_text.lines().nth(l - 1));
    if let Some((key, value)) = line_text.and_then(|l| l.split_once('=')) {
        if diagnostic.message.contains("date-time") {
            let value_column = line_text.map_or(1, |l| l.len() - value.trim_start().len());
            diagnostic.message = format!(
                "`{} = {}` is not a calendar date: expected YYYY-MM-DD",
                key.trim(),
                value.trim()
            );
            let before = line_text.and_then(|l| l.get(..value_column)).unwrap_or("");
            diagnostic.column = Some(before.chars().count() + 1);
        }
    }
    diagnostic.line = diagnostic.line.map(|l| l + 1);
    diagnostic
}

#[cfg(test)]
mod tests {
    use super::*;

    fn split(text: &str) -> Result<(FrontMatter, &str, usize), String> {
        split_front_matter("a.txt", text).map_err(|d| d.to_string())
    }

    #[test]
    fn splits_front_matter_and_counts_body_line() {
        let (front, body, line) =
            split("+++\ntitle = \"T\"\ndate = 2020-10-07\n+++\nBody\n").unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(front.title.as_deref(), Some("T"));
        assert_eq!(body, "Body\n");
        assert_eq!(line, 5);
    }

    #[test]
    fn no_front_matter_is_all_body() {
        let (front, body, line) = split("Just text\n").unwrap_or_else(|e| panic!("{e}"));
        assert_eq!((front, body, line), (FrontMatter::default(), "Just text\n", 1));
    }

    #[test]
    fn errors_name_file_line_and_expectation() {
        assert_eq!(
            split("+++\ntitle = \"T\"\nBody\n").err().unwrap_or_default(),
            "a.txt:1:1: error: front matter opened with `+++` is never closed: add a line `+++` after it"
        );
        assert!(split("+++\ntitel = \"T\"\n+++\n")
            .err()
            .unwrap_or_default()
            .contains("a.txt:2:1: error: unknown front-matter key `titel`: did you mean `title`?"));
        assert!(split("+++\ntitle = 3\n+++\n")
            .err()
            .unwrap_or_default()
            .starts_with("a.txt:2:"));
        assert!(split("+++\ndate = 2020-02-30\n+++\n")
            .err()
            .unwrap_or_default()
            .starts_with("a.txt:2"));
        assert!(split("+++\nslug = \"../../x\"\n+++\n")
            .err()
            .unwrap_or_default()
            .contains("not URL-safe"));
    }

    #[test]
    fn each_error_points_at_its_key_or_value() {
        let cases = [
            ("+++\ntitle = \"T\"\n  titel = \"T\"\n+++\n", "a.txt:3:3: error: unknown front-matter key `titel`: did you mean `title`?"),
            ("+++\nwhen = 2020-10-07\n+++\n", "a.txt:2:1: error: unknown front-matter key `when`: expected one of title, date, source, url, slug"),
            ("+++\ntitle = 3\n+++\n", "a.txt:2:9: error: `title` must be a string in quotes, found an integer"),
            ("+++\nsource = [\"a\"]\n+++\n", "a.txt:2:10: error: `source` must be a string in quotes, found an array"),
            ("+++\ndate = 2020-02-30\n+++\n", "a.txt:2:8: error: `date = 2020-02-30` is not a calendar date: expected YYYY-MM-DD"),
            ("+++\ndate = \"2021-02-29\"\n+++\n", "a.txt:2:8: error: `date = 2021-02-29` is not a calendar date: expected YYYY-MM-DD"),
            ("+++\ndate = 7\n+++\n", "a.txt:2:8: error: `date` must be a date like 2020-10-07, found an integer"),
            ("+++\nslug = \"C:\\\\x\"\n+++\n", "a.txt:2:8: error: `slug = \"C:\\\\x\"` is not URL-safe: use lowercase letters, digits and hyphens, e.g. \"c-x\""),
        ];
        for (text, expected) in cases {
            assert_eq!(split(text).err().unwrap_or_default(), expected, "{text:?}");
        }
        let (front, _, _) =
            split("+++\ndate = 2020-10-07T10:00:00Z\ntitle = \"  \"\n+++\n").unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(front.date, super::super::parse_iso_date("2020-10-07"));
        assert_eq!(front.title, None);
    }
}
