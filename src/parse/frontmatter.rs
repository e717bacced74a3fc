//! The `+++` TOML front-matter block at the top of an article.

use crate::config::toml_diagnostic;
use crate::diagnostics::Diagnostic;
use serde::Deserialize;
use std::path::Path;
use time::Date;

/// Front matter as validated: every key optional.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FrontMatter {
    pub title: Option<String>,
    pub date: Option<Date>,
    pub source: Option<String>,
    pub url: Option<String>,
    pub slug: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawFrontMatter {
    title: Option<String>,
    date: Option<toml::Value>,
    source: Option<String>,
    url: Option<String>,
    slug: Option<String>,
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

/// Parses the TOML between the fences; positions are shifted by the opening line.
fn parse_toml(rel: &str, toml_text: &str) -> Result<FrontMatter, Diagnostic> {
    let shift = |mut d: Diagnostic| {
        d.line = d.line.map(|l| l + 1);
        d
    };
    let table: toml::Table =
        toml::from_str(toml_text).map_err(|e| shift(toml_diagnostic(Path::new(rel), toml_text, &e)))?;
    for key in table.keys() {
        if !KEYS.contains(&key.as_str()) {
            let line = toml_text
                .lines()
                .position(|l| l.trim_start().starts_with(key.as_str()))
                .map_or(1, |i| i + 2);
            let hint = KEYS
                .iter()
                .map(|k| (strsim::levenshtein(k, key), k))
                .min()
                .filter(|(distance, _)| *distance <= 2)
                .map_or_else(
                    || format!("expected one of {}", KEYS.join(", ")),
                    |(_, k)| format!("did you mean `{k}`?"),
                );
            return Err(Diagnostic::error(rel, format!("unknown front-matter key `{key}`: {hint}")).at(line, Some(1)));
        }
    }
    let raw: RawFrontMatter =
        toml::from_str(toml_text).map_err(|e| shift(toml_diagnostic(Path::new(rel), toml_text, &e)))?;
    let RawFrontMatter {
        title,
        date,
        source,
        url,
        slug,
    } = raw;
    let date_line = toml_text
        .lines()
        .position(|l| l.trim_start().starts_with("date"))
        .map_or(1, |i| i + 2);
    let date = match date {
        None => None,
        Some(value) => {
            let written = match &value {
                toml::Value::Datetime(dt) => dt.to_string(),
                toml::Value::String(s) => s.clone(),
                other => {
                    return Err(Diagnostic::error(
                        rel,
                        format!("`date` must be a date like 2020-10-07, found a {}", other.type_str()),
                    )
                    .at(date_line, Some(1)));
                }
            };
            let day = written.get(..10).unwrap_or(&written);
            match super::parse_iso_date(day) {
                Some(date) => Some(date),
                None => {
                    return Err(Diagnostic::error(
                        rel,
                        format!("`date = {written}` is not a calendar date: expected YYYY-MM-DD"),
                    )
                    .at(date_line, Some(1)));
                }
            }
        }
    };
    if let Some(slug) = &slug {
        if !crate::text::is_url_safe_slug(slug) {
            let line = toml_text
                .lines()
                .position(|l| l.trim_start().starts_with("slug"))
                .map_or(1, |i| i + 2);
            return Err(Diagnostic::error(
                rel,
                format!(
                    "`slug = {slug:?}` is not URL-safe: use lowercase letters, digits and hyphens, e.g. {:?}",
                    crate::text::slugify(slug)
                ),
            )
            .at(line, Some(1)));
        }
    }
    Ok(FrontMatter {
        title: title.map(|t| t.trim().to_string()).filter(|t| !t.is_empty()),
        date,
        source,
        url,
        slug,
    })
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
}
