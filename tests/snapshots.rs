//! Snapshots of the `<main>` element of pages of the bundled briefing, so a
//! change to templates or rendering shows up as a readable diff.
//!
//! After an intended change, review and accept with `cargo insta review`, or
//! rewrite them with `INSTA_UPDATE=always cargo test --test snapshots`.
//! CI runs with `INSTA_UPDATE=no`, so it never writes a snapshot.

use anyhow::{anyhow, Context as _, Result};
use scraper::{Html, Selector};
use std::path::Path;

/// Builds the bundled briefing into `dir` and returns `<main>` of the page at
/// `page` (relative to the output folder), made readable.
fn main_of(dir: &Path, page: &str) -> Result<String> {
    let out = dir.join("site");
    briefing::build(&briefing::BuildOptions {
        root: env!("CARGO_MANIFEST_DIR").into(),
        output: Some(out.clone()),
        base_url: None,
    })?;
    let path = out.join(page);
    let text = std::fs::read_to_string(&path).with_context(|| format!("cannot read {}", path.display()))?;
    let main = Selector::parse("main").map_err(|e| anyhow!("{e:?}"))?;
    let html = Html::parse_document(&text);
    let element = html
        .select(&main)
        .next()
        .with_context(|| format!("{page} has no <main>"))?;
    Ok(readable(&element.html()))
}

/// One tag per line where the HTML had white space between tags: every run of
/// ASCII white space that holds a line break, or lies between `>` and `<`,
/// becomes one line break. Other spaces (and no-break spaces) are kept, so the
/// text a reader sees is unchanged. The pages snapshotted hold no `<pre>`.
fn readable(html: &str) -> String {
    let mut out = String::with_capacity(html.len());
    let mut chars = html.char_indices().peekable();
    while let Some((at, c)) = chars.next() {
        if !c.is_ascii_whitespace() {
            out.push(c);
            continue;
        }
        let mut end = at + c.len_utf8();
        while let Some(&(next_at, next)) = chars.peek() {
            if !next.is_ascii_whitespace() {
                break;
            }
            end = next_at + next.len_utf8();
            chars.next();
        }
        let run = &html[at..end];
        let between_tags = out.ends_with('>') && html[end..].starts_with('<');
        if run.contains('\n') || between_tags {
            out.push('\n');
        } else {
            out.push_str(run);
        }
    }
    out.trim().to_string()
}

#[test]
fn readable_puts_tags_on_their_own_lines() {
    assert_eq!(
        readable("<main>\n  <p>One  two\n   three</p> <p>x</p></main>"),
        "<main>\n<p>One  two\nthree</p>\n<p>x</p></main>"
    );
}

#[test]
fn topic_page_main() -> Result<()> {
    let dir = tempfile::tempdir()?;
    insta::assert_snapshot!("topic_ipoi_main", main_of(dir.path(), "topics/ipoi/index.html")?);
    Ok(())
}

#[test]
fn article_page_main() -> Result<()> {
    let dir = tempfile::tempdir()?;
    insta::assert_snapshot!(
        "article_tokyo_dialogue_main",
        main_of(dir.path(), "articles/tokyo-dialogue-cyber-agreement-ipoi/index.html")?
    );
    Ok(())
}
