//! `site.toml`: `RawConfig` is the file as written (serde), `Config` is what the
//! pipeline uses, validated. Problems become diagnostics naming `site.toml:line:column`.

use crate::diagnostics::{line_column, Diagnostic};
use crate::text::{fold_str, is_url_safe_slug};
use serde::Deserialize;
use std::collections::BTreeMap;
use std::path::Path;
use toml::Spanned;

/// `site.toml` as written. Unknown keys are refused so a typo is not silently ignored.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawConfig {
    title: String,
    #[serde(default)]
    description: String,
    #[serde(default)]
    base_url: Option<String>,
    #[serde(default)]
    language: Option<String>,
    #[serde(default)]
    output: Option<String>,
    #[serde(default)]
    allow_html: bool,
    #[serde(default)]
    cname: Option<String>,
    #[serde(default)]
    passages_per_page: Option<usize>,
    #[serde(default)]
    articles_per_page: Option<usize>,
    #[serde(default)]
    events_per_page: Option<usize>,
    #[serde(default)]
    topics: Vec<RawTopic>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawTopic {
    /// Spanned, so that a message about a slug or alias points at it.
    slug: Spanned<String>,
    title: String,
    #[serde(default)]
    summary: String,
    #[serde(default)]
    aliases: Vec<Spanned<String>>,
}

/// The validated configuration.
#[derive(Debug, Clone)]
pub struct Config {
    pub title: String,
    pub description: String,
    /// Absolute URL of the published site, always ending in `/`; used only
    /// where a URL must be absolute (feed, sitemap, canonical, 404 page).
    pub base_url: String,
    pub language: String,
    /// Output folder relative to the project root.
    pub output: String,
    /// Markdown raw HTML is escaped unless this is set; when set it is sanitised.
    pub allow_html: bool,
    pub cname: Option<String>,
    /// Passages per page on a topic page before it pages through the rest.
    pub passages_per_page: usize,
    /// Articles per page of the list of sources.
    pub articles_per_page: usize,
    /// Events per page of the timeline, beyond which it is split by year
    /// (and a long year into pages).
    pub events_per_page: usize,
    pub topics: Vec<Topic>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Topic {
    pub slug: String,
    pub title: String,
    pub summary: String,
    pub aliases: Vec<String>,
}

pub const DEFAULT_BASE_URL: &str = "http://localhost:1111/";

impl Config {
    /// Parses and validates `site.toml` text; `path` names the file in messages.
    pub fn parse(path: &Path, text: &str) -> Result<Config, Vec<Diagnostic>> {
        let raw: RawConfig = toml::from_str(text).map_err(|e| vec![toml_diagnostic(path, text, &e)])?;
        // Destructured by name so a new field cannot be forgotten here.
        let RawConfig {
            title,
            description,
            base_url,
            language,
            output,
            allow_html,
            cname,
            passages_per_page,
            articles_per_page,
            events_per_page,
            topics,
        } = raw;
        let mut errors = Vec::new();
        let locate = |needle: &str| -> (usize, usize) { text.find(needle).map_or((1, 1), |at| line_column(text, at)) };

        let mut seen_slugs = BTreeMap::new();
        let mut alias_owner: BTreeMap<String, String> = BTreeMap::new();
        let mut validated = Vec::with_capacity(topics.len());
        for raw in topics {
            let RawTopic {
                slug,
                title,
                summary,
                aliases,
            } = raw;
            let (line, column) = line_column(text, slug.span().start);
            let slug = slug.into_inner();
            if !is_url_safe_slug(&slug) {
                errors.push(
                    Diagnostic::error(
                        path,
                        format!(
                            "topic slug {slug:?} is not URL-safe: use lowercase letters, digits and hyphens, e.g. {:?}",
                            crate::text::slugify(&slug)
                        ),
                    )
                    .at(line, Some(column)),
                );
            }
            if seen_slugs.insert(slug.clone(), ()).is_some() {
                errors.push(
                    Diagnostic::error(path, format!("topic slug {slug:?} is defined twice")).at(line, Some(column)),
                );
            }
            let mut kept = Vec::with_capacity(aliases.len());
            for alias in aliases {
                let (alias_line, alias_column) = line_column(text, alias.span().start);
                let alias = alias.into_inner();
                let key = fold_str(&alias).to_lowercase();
                if key.is_empty() {
                    errors.push(
                        Diagnostic::error(path, format!("topic {slug:?} has an empty alias"))
                            .at(alias_line, Some(alias_column)),
                    );
                    continue;
                }
                match alias_owner.get(&key) {
                    Some(owner) if owner != &slug => {
                        errors.push(
                            Diagnostic::error(path, format!("alias {alias:?} is claimed by two topics, {owner:?} and {slug:?}: an alias must name one topic"))
                                .at(alias_line, Some(alias_column)),
                        );
                    }
                    _ => {
                        alias_owner.insert(key, slug.clone());
                        kept.push(alias);
                    }
                }
            }
            validated.push(Topic {
                slug,
                title,
                summary,
                aliases: kept,
            });
        }

        let base_url = match base_url {
            Some(url) if url.starts_with("http://") || url.starts_with("https://") => {
                if url.ends_with('/') {
                    url
                } else {
                    format!("{url}/")
                }
            }
            Some(url) => {
                let (line, column) = locate("base_url");
                errors.push(Diagnostic::error(path, format!("base_url {url:?} must be an absolute http(s) URL, e.g. \"https://you.github.io/briefing/\"")).at(line, Some(column)));
                String::new()
            }
            None => DEFAULT_BASE_URL.to_string(),
        };
        if !errors.is_empty() {
            return Err(errors);
        }
        Ok(Config {
            title,
            description,
            base_url,
            language: language.unwrap_or_else(|| "en".to_string()),
            output: output.unwrap_or_else(|| "public".to_string()),
            allow_html,
            cname,
            passages_per_page: passages_per_page.unwrap_or(50).max(1),
            articles_per_page: articles_per_page.unwrap_or(200).max(1),
            events_per_page: events_per_page.unwrap_or(250).max(1),
            topics: validated,
        })
    }
}

/// serde's "unknown field `titel`, expected one of `title`, …" becomes
/// "unknown key `titel`: did you mean `title`?" when one expected key is
/// within two edits; otherwise the list of keys is kept.
fn with_suggestion(message: String) -> String {
    let Some(rest) = message.strip_prefix("unknown field `") else {
        return message;
    };
    let Some((unknown, expected)) = rest.split_once('`') else {
        return message;
    };
    let closest = expected
        .split('`')
        .skip(1)
        .step_by(2)
        .map(|k| (strsim::levenshtein(k, unknown), k))
        .min()
        .filter(|(distance, _)| *distance <= 2);
    match closest {
        Some((_, key)) => format!("unknown key `{unknown}`: did you mean `{key}`?"),
        None => format!("unknown key `{unknown}`{expected}"),
    }
}

/// A TOML error as `file:line:column: message`, the column counting characters.
pub fn toml_diagnostic(path: &Path, text: &str, error: &toml::de::Error) -> Diagnostic {
    // One diagnostic, one line: toml puts what it expected on a line of its own.
    let message = error
        .message()
        .trim()
        .lines()
        .map(str::trim)
        .collect::<Vec<_>>()
        .join(": ");
    let message = with_suggestion(message);
    match error.span() {
        Some(span) => {
            let (line, column) = line_column(text, span.start);
            Diagnostic::error(path, message).at(line, Some(column))
        }
        None => Diagnostic::error(path, message),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Result<Config, Vec<Diagnostic>> {
        Config::parse(Path::new("site.toml"), text)
    }

    #[test]
    fn minimal_config_has_defaults() {
        let config = parse("title = \"T\"\n").map_err(|e| e[0].to_string());
        let config = config.unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(config.output, "public");
        assert_eq!(config.base_url, DEFAULT_BASE_URL);
    }

    #[test]
    fn syntax_error_names_line_and_column() {
        let errors = parse("title = \"T\"\n[[topics]\n").err().unwrap_or_default();
        assert_eq!(errors.len(), 1);
        assert!(errors[0].to_string().starts_with("site.toml:2:"), "{}", errors[0]);
        assert!(!errors[0].to_string().contains('\n'), "one line: {}", errors[0]);
    }

    #[test]
    fn unknown_key_is_refused() {
        let errors = parse("title = \"T\"\ntitel = \"x\"\n").err().unwrap_or_default();
        assert_eq!(
            errors[0].to_string(),
            "site.toml:2:1: error: unknown key `titel`: did you mean `title`?"
        );
        let errors = parse("title = \"T\"\n[[topics]]\nslug = \"a\"\ntitle = \"A\"\nnames = []\n")
            .err()
            .unwrap_or_default();
        assert_eq!(
            errors[0].to_string(),
            "site.toml:5:1: error: unknown key `names`, expected one of `slug`, `title`, `summary`, `aliases`"
        );
    }

    #[test]
    fn alias_claimed_twice_and_bad_slug_are_errors() {
        let text = r#"title = "T"
[[topics]]
slug = "a"
title = "A"
aliases = ["MoC"]
[[topics]]
slug = "B c"
title = "B"
aliases = ["MoC"]
"#;
        let errors = parse(text).err().unwrap_or_default();
        let all: Vec<String> = errors.iter().map(|e| e.to_string()).collect();
        assert_eq!(
            all,
            [
                r#"site.toml:7:8: error: topic slug "B c" is not URL-safe: use lowercase letters, digits and hyphens, e.g. "b-c""#,
                r#"site.toml:9:12: error: alias "MoC" is claimed by two topics, "a" and "B c": an alias must name one topic"#,
            ]
        );
    }

    #[test]
    fn unsafe_slugs_are_located_even_when_escaped() {
        for (slug, written) in [
            ("../../x", r#""../../x""#),
            ("/etc/x", r#""/etc/x""#),
            ("C:\\x", r#""C:\\x""#),
        ] {
            let text = format!("title = \"T\"\n[[topics]]\ntitle = \"A\"\nslug = {written}\n");
            let errors = parse(&text).err().unwrap_or_default();
            assert_eq!(errors.len(), 1, "{errors:?}");
            let shown = errors[0].to_string();
            assert!(shown.starts_with("site.toml:4:8: error: topic slug"), "{shown}");
            assert!(shown.contains(&format!("{slug:?} is not URL-safe")), "{shown}");
        }
    }
}
