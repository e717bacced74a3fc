//! Hostile text is inert: a project whose site.toml, topic titles, summaries,
//! aliases, front matter, plain text and Markdown are full of script payloads
//! is built, and every output page is parsed (not searched for a string) and
//! checked for anything a browser would run: a `<script>` element, an event
//! handler attribute, a `javascript:`/`data:`/`vbscript:` URL where a URL is
//! followed, a refresh to one, or a plugin element. Built twice: Markdown raw
//! HTML escaped (the default) and sanitised by ammonia (`allow_html = true`).
//!
//! A last test proves the checker can fail: it overrides `article.html` with a
//! copy that turns escaping off for the article's fields and expects findings.

use anyhow::{ensure, Context as _, Result};
use scraper::{ElementRef, Html};
use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};

/// `<script>` elements the project itself writes into built pages, as their
/// `src`. None: the only script in a built page is inline, on the search
/// page (see `own_inline_scripts`); it adds the search index's data files as
/// scripts when a search runs, and those are checked apart (see
/// `script_violation`). (`briefing serve` adds one,
/// `<script src="/__briefing/reload.js">`, to the pages it serves, never to
/// the output folder; `serve.rs` tests it.)
const OWN_SCRIPTS: [&str; 0] = [];

/// The site icon: a `data:image/svg+xml` URL on `<link rel="icon">`, written
/// verbatim in the built-in base template (an image, which runs nothing).
/// Allowed only on a `<link>` and only character for character.
fn is_own_icon(element: &str, url: &str) -> bool {
    element == "link"
        && url.starts_with("data:image/svg+xml,")
        && briefing::render::BUILTIN_TEMPLATES
            .iter()
            .any(|(name, source)| *name == "base.html" && source.contains(&format!("href=\"{url}\"")))
}

/// The bodies of the inline scripts of the built-in templates, exactly as
/// written: a script in the output is the project's own only if its text is
/// one of these, character for character (no payload can make it so).
fn own_inline_scripts() -> Vec<String> {
    let mut scripts = Vec::new();
    for (_, source) in briefing::render::BUILTIN_TEMPLATES.iter() {
        let mut rest = *source;
        while let Some(start) = rest.find("<script") {
            let Some(open_end) = rest[start..].find('>') else { break };
            let body_start = start + open_end + 1;
            let Some(len) = rest[body_start..].find("</script>") else {
                break;
            };
            // The one template value in them is the page's root: "../" on
            // the search page, the only page with a script.
            scripts.push(rest[body_start..body_start + len].replace("{{ page.root }}", "../"));
            rest = &rest[body_start + len..];
        }
    }
    scripts
}

/// Attributes whose value a browser follows or loads as a URL.
const URL_ATTRIBUTES: [&str; 9] = [
    "href",
    "src",
    "action",
    "formaction",
    "poster",
    "data",
    "background",
    "cite",
    "ping",
];

/// Elements that run or embed active content.
const ACTIVE_ELEMENTS: [&str; 5] = ["script", "iframe", "object", "embed", "base"];

const SITE_TOML: &str = r#"title = "Briefing <script>alert('site-title')</script> \"quoted' & more"
description = "<img src=x onerror=alert('description')> javascript:alert('description')"
base_url = "https://example.org/\"><script>alert('base-url')</script>/"
language = "en\" onmouseover=\"alert('language')"
cname = "example.org\"><script>alert('cname')</script>"
allow_html = ALLOW_HTML

[[topics]]
slug = "talks"
title = "Talks <svg onload=alert('topic-title')>"
summary = "</title><script>alert('summary')</script> <a href=\"javascript:alert('summary-link')\">x</a>"
aliases = ["talks", "<b onmouseover=alert('alias')>Tokyo</b>", "javascript:alert('alias-url')"]

[[topics]]
slug = "cyber"
title = "Cyber' onfocus='alert(\"topic-attr\")' autofocus='"
summary = "data:text/html,<script>alert('summary-data')</script>"
aliases = ["cyber", "Memorandum of Cooperation"]
"#;

const PLAIN: &str = r#"+++
title = "<script>alert('fm-title')</script> Plain talks"
source = "<img src=x onerror=alert('fm-source')>"
url = "javascript:alert('fm-url')"
+++
Talks in Tokyo <script>alert('plain')</script> began on 7 October 2020.

The cyber <img src=x onerror=alert('img')> agreement, "><svg onload=alert('svg')> was signed in <b onmouseover=alert('alias')>Tokyo</b> last year.

The <iframe src=javascript:alert('iframe')> Memorandum of Cooperation (MoC) and javascript:alert('text-url') and data:text/html;base64,PHNjcmlwdD4= were discussed at the talks.

- <a href="javascript:alert('list')">bullet</a> talks
- ' onmouseover='alert("attr")' talks in March 2020
"#;

const MARKDOWN: &str = r#"+++
title = "Markdown \"><script>alert('md-title')</script>"
source = "Wire ' onclick='alert(1)"
url = "data:text/html,<script>alert('md-url')</script>"
+++
# Heading <img src=x onerror=alert('h1')>

Talks in Tokyo: [click](javascript:alert('link')) and [data](data:text/html,x) and [vb](vbscript:msgbox) and [quote](https://example.org/"onmouseover="alert('q')) and <javascript:alert('autolink')> and ![img](javascript:alert('image')) and ![svg](data:image/svg+xml,<svg/onload=alert('svg-data')>) and [spaced]( JaVaScRiPt:alert('case') ).

<script>alert('block')</script>

<div onclick="alert('div')">cyber <a href="javascript:alert('inner')">x</a> <a href="https://example.org/" onclick="alert('kept-link')">ok</a></div>

Inline <span onmouseover="alert('span')">talks</span> and <img src=x onerror="alert('inline-img')"> and <svg><script>alert('svg-script')</script></svg> on 8 October 2020.

Reference [link][ref] on the cyber talks.

[ref]: javascript:alert('ref')

## Sub <script>alert('h2')</script>

| a <script>alert('th')</script> | b |
|---|---|
| [x](javascript:alert('td')) <img src=x onerror=alert('td-img')> | ![i](data:text/html,x) [fine](https://example.org) |

```"><script>alert('lang')</script>
code <script>alert('code')</script>
```

Cyber footnote[^1].

[^1]: <img src=x onerror=alert('footnote')> talks

<form action="javascript:alert('form')"><button formaction="javascript:alert('formaction')">go</button></form>

<math><mtext><table><mglyph><style><img src=x onerror=alert('mxss')>

<object data="data:text/html,x"></object><embed src="javascript:alert('embed')"><base href="javascript:alert('base')//">

<meta http-equiv="refresh" content="0;url=javascript:alert('meta')">

<a href="jav&#x09;ascript:alert('entity')">entity</a> <a href="&#106;avascript:alert('decimal')">decimal</a>
"#;

/// Writes the hostile project into a fresh folder and builds it.
fn build_hostile(allow_html: bool, templates: &[(&str, String)]) -> Result<(tempfile::TempDir, PathBuf)> {
    let dir = tempfile::tempdir()?;
    let root = dir.path();
    fs::write(
        root.join("site.toml"),
        SITE_TOML.replace("ALLOW_HTML", if allow_html { "true" } else { "false" }),
    )?;
    fs::create_dir_all(root.join("content"))?;
    fs::write(root.join("content/2020-10-07-plain.txt"), PLAIN)?;
    fs::write(root.join("content/2020-10-08-markdown.md"), MARKDOWN)?;
    if !templates.is_empty() {
        fs::create_dir_all(root.join("templates"))?;
        for (name, text) in templates {
            fs::write(root.join("templates").join(name), text)?;
        }
    }
    let out = root.join("public");
    briefing::build(&briefing::BuildOptions {
        root: root.to_path_buf(),
        output: Some(out.clone()),
        base_url: None,
    })
    .map_err(|e| anyhow::anyhow!("{e:#}"))?;
    Ok((dir, out))
}

/// Every `.html` and `.xml` file of the built site, by path.
fn pages(out: &Path) -> Result<BTreeMap<PathBuf, String>> {
    let mut found = BTreeMap::new();
    let mut pending = vec![out.to_path_buf()];
    while let Some(folder) = pending.pop() {
        for entry in fs::read_dir(&folder)? {
            let path = entry?.path();
            if path.is_dir() {
                pending.push(path);
            } else if path.extension().is_some_and(|e| e == "html" || e == "xml") {
                let text = fs::read_to_string(&path).with_context(|| format!("{}", path.display()))?;
                found.insert(path.strip_prefix(out)?.to_path_buf(), text);
            }
        }
    }
    Ok(found)
}

/// A URL as a browser reads it: tabs and newlines removed, leading spaces and
/// control characters dropped, lowercased.
fn normalised_url(value: &str) -> String {
    value
        .chars()
        .filter(|c| !matches!(c, '\t' | '\n' | '\r'))
        .skip_while(|c| *c <= ' ')
        .collect::<String>()
        .to_ascii_lowercase()
}

fn is_dangerous_url(value: &str) -> bool {
    let url = normalised_url(value);
    ["javascript:", "data:", "vbscript:"].iter().any(|s| url.starts_with(s))
}

/// Everything executable in one parsed page, described for a message.
fn violations(html: &str) -> Vec<String> {
    let document = Html::parse_document(html);
    let mut found = Vec::new();
    for node in document.tree.nodes() {
        let Some(element) = ElementRef::wrap(node) else {
            continue;
        };
        let value = element.value();
        let name = value.name();
        let describe = || {
            let attributes: Vec<String> = value.attrs().map(|(k, v)| format!("{k}={v:?}")).collect();
            format!("<{name} {}>", attributes.join(" "))
        };
        if name == "script" {
            let src = value.attr("src").unwrap_or("");
            let text: String = element.text().collect();
            let own = if src.is_empty() {
                own_inline_scripts().contains(&text)
            } else {
                OWN_SCRIPTS.contains(&src)
            };
            if !own {
                found.push(format!(
                    "script element: {} {:?}",
                    describe(),
                    element.text().collect::<String>()
                ));
            }
        } else if ACTIVE_ELEMENTS.contains(&name) {
            found.push(format!("active element: {}", describe()));
        }
        for (attribute, text) in value.attrs() {
            let attribute = attribute.to_ascii_lowercase();
            if attribute.starts_with("on") {
                found.push(format!("event handler {attribute}: {}", describe()));
            }
            if URL_ATTRIBUTES.contains(&attribute.as_str()) && is_dangerous_url(text) && !is_own_icon(name, text) {
                found.push(format!("dangerous URL in {attribute}: {}", describe()));
            }
            if attribute == "srcset" && text.split(',').any(is_dangerous_url) {
                found.push(format!("dangerous URL in srcset: {}", describe()));
            }
            if attribute == "style" && (normalised_url(text).contains("javascript:") || text.contains("expression(")) {
                found.push(format!("script in style: {}", describe()));
            }
        }
        if name == "meta"
            && value
                .attr("http-equiv")
                .is_some_and(|h| h.eq_ignore_ascii_case("refresh"))
            && value
                .attr("content")
                .and_then(|c| c.to_ascii_lowercase().split_once("url=").map(|(_, u)| u.to_string()))
                .is_some_and(|u| is_dangerous_url(u.trim_matches(['\'', '"'])))
        {
            found.push(format!("refresh to a dangerous URL: {}", describe()));
        }
        if name == "style" && normalised_url(&element.text().collect::<String>()).contains("javascript:") {
            found.push("script URL in a style element".to_string());
        }
    }
    found
}

/// Every violation on every page, as `page: violation`, and every script
/// file that is not a search data file holding data alone.
fn site_violations(out: &Path) -> Result<Vec<String>> {
    let mut found: Vec<String> = pages(out)?
        .iter()
        .flat_map(|(path, html)| {
            violations(html)
                .into_iter()
                .map(move |v| format!("{}: {v}", path.display()))
        })
        .collect();
    for (path, text) in scripts(out)? {
        if let Some(v) = script_violation(&path, &text) {
            found.push(format!("{path}: {v}"));
        }
    }
    Ok(found)
}

/// Every `.js` file of the built site, by path relative to it.
fn scripts(out: &Path) -> Result<BTreeMap<String, String>> {
    let mut found = BTreeMap::new();
    for entry in walkdir::WalkDir::new(out) {
        let entry = entry?;
        if entry.path().extension().is_some_and(|e| e == "js") {
            let rel = entry.path().strip_prefix(out)?.to_string_lossy().replace('\\', "/");
            found.insert(rel, fs::read_to_string(entry.path())?);
        }
    }
    Ok(found)
}

/// The only script files a site has are the search index's data files
/// (src/search.rs), each exactly `briefingSearch("<its name>",<JSON>);`: a
/// call with data, which runs nothing else whatever the articles say.
fn script_violation(path: &str, text: &str) -> Option<String> {
    let Some(name) = path.strip_prefix("search/data/").and_then(|p| p.strip_suffix(".js")) else {
        return Some("a script file outside search/data/".into());
    };
    let head = format!("briefingSearch({},", serde_json::Value::from(name));
    let Some(body) = text.strip_prefix(&head).and_then(|t| t.strip_suffix(");\n")) else {
        return Some("not one briefingSearch call".into());
    };
    match serde_json::from_str::<serde_json::Value>(body) {
        Ok(_) => None,
        Err(e) => Some(format!("its argument is not JSON alone ({e})")),
    }
}

/// The visible text of one page.
fn page_text(out: &Path, page: &str) -> Result<String> {
    let html = fs::read_to_string(out.join(page)).with_context(|| page.to_string())?;
    Ok(Html::parse_document(&html).root_element().text().collect())
}

/// The payloads reached the pages as text: the test would prove nothing if
/// the hostile passages had been dropped on the way.
fn assert_payloads_shown_as_text(out: &Path) -> Result<()> {
    let plain = page_text(out, "articles/plain/index.html")?;
    for shown in [
        "<script>alert('fm-title')</script> Plain talks",
        "<script>alert('plain')</script>",
        "<img src=x onerror=alert('img')>",
        "javascript:alert('text-url')",
    ] {
        ensure!(plain.contains(shown), "the plain article page does not show {shown:?}");
    }
    let markdown = page_text(out, "articles/markdown/index.html")?;
    for shown in [
        "Markdown \"><script>alert('md-title')</script>",
        "code <script>alert('code')</script>",
    ] {
        ensure!(
            markdown.contains(shown),
            "the Markdown article page does not show {shown:?}"
        );
    }
    let topic = page_text(out, "topics/talks/index.html")?;
    ensure!(
        topic.contains("Talks <svg onload=alert('topic-title')>"),
        "the topic title is not shown"
    );
    Ok(())
}

#[test]
fn hostile_text_is_inert_with_raw_html_escaped() -> Result<()> {
    let (_dir, out) = build_hostile(false, &[])?;
    let found = site_violations(&out)?;
    ensure!(
        found.is_empty(),
        "executable content in the output:\n{}",
        found.join("\n")
    );
    assert_payloads_shown_as_text(&out)?;
    let index = scripts(&out)?.into_values().collect::<String>();
    ensure!(
        index.contains(r#"<script>alert('plain')</script>"#),
        "the hostile passage is not in the search index (the check above proved nothing)"
    );
    let markdown = page_text(&out, "articles/markdown/index.html")?;
    ensure!(
        markdown.contains("<script>alert('block')</script>"),
        "escaped raw HTML is shown as text"
    );
    eprintln!(
        "hostile (allow_html = false): {} pages, no violation",
        pages(&out)?.len()
    );
    Ok(())
}

#[test]
fn hostile_text_is_inert_with_raw_html_sanitised() -> Result<()> {
    let (_dir, out) = build_hostile(true, &[])?;
    let found = site_violations(&out)?;
    ensure!(
        found.is_empty(),
        "executable content in the output:\n{}",
        found.join("\n")
    );
    assert_payloads_shown_as_text(&out)?;
    // ammonia kept the harmless markup around the payloads.
    let html = fs::read_to_string(out.join("articles/markdown/index.html"))?;
    let document = Html::parse_document(&html);
    let kept = scraper::Selector::parse("a[href=\"https://example.org/\"]").map_err(|e| anyhow::anyhow!("{e:?}"))?;
    ensure!(
        document.select(&kept).next().is_some(),
        "the safe link in raw HTML was not kept"
    );
    eprintln!(
        "hostile (allow_html = true): {} pages, no violation",
        pages(&out)?.len()
    );
    Ok(())
}

/// Tera has no `{% autoescape false %}` block (it is a syntax error, which
/// `template_check` refuses before anything is built); escaping is turned off
/// per value with `| safe`. This override of `article.html` does that for
/// the article's title, source and headings: what a careless theme would do.
fn article_template_without_escaping() -> Result<String> {
    let mut template = include_str!("../templates/article.html").to_string();
    for field in ["article.title", "article.source", "block.text"] {
        let escaped = format!("{{{{ {field} }}}}");
        ensure!(template.contains(&escaped), "article.html no longer prints {escaped}");
        template = template.replace(&escaped, &format!("{{{{ {field} | safe }}}}"));
    }
    Ok(template)
}

#[test]
fn the_checker_finds_script_when_a_template_turns_escaping_off() -> Result<()> {
    let template = article_template_without_escaping()?;
    let (_dir, out) = build_hostile(false, &[("article.html", template)])?;
    let found = site_violations(&out)?;
    eprintln!(
        "with escaping off in templates/article.html the checker finds {} violations:\n{}",
        found.len(),
        found.join("\n")
    );
    ensure!(
        found
            .iter()
            .any(|v| v.starts_with("articles/plain/index.html: script element")),
        "the fm-title script was not found"
    );
    ensure!(
        found
            .iter()
            .any(|v| v.starts_with("articles/plain/index.html: event handler onerror")),
        "the fm-source onerror handler was not found"
    );
    ensure!(
        found
            .iter()
            .any(|v| v.starts_with("articles/markdown/index.html: script element")),
        "the Markdown title's script was not found"
    );
    Ok(())
}

#[test]
fn the_checker_itself_sees_each_kind_of_violation() {
    let page = r#"<!doctype html><html><head><meta http-equiv="refresh" content="0; URL='JavaScript:x'"></head><body>
        <script>x</script><a href=" java	script:x">a</a><img src="data:image/png,x"><form action="vbscript:x"></form>
        <div onclick="x"></div><svg><a xlink:href="javascript:x"></a></svg><iframe></iframe><p style="background:url(javascript:x)"></p>
        <a href="https://example.org/javascript:x">fine</a><p>javascript:alert(1) &lt;script&gt; as text is fine</p></body></html>"#;
    let found = violations(page);
    let kinds: Vec<&str> = found.iter().map(|v| v.split(':').next().unwrap_or("")).collect();
    assert_eq!(
        kinds,
        [
            "refresh to a dangerous URL",
            "script element",
            "dangerous URL in href",
            "dangerous URL in src",
            "dangerous URL in action",
            "event handler onclick",
            "dangerous URL in href",
            "active element",
            "script in style",
        ],
        "{found:#?}"
    );
    let call = r#"briefingSearch("d/0",[{"t":"x"}]);"#;
    assert_eq!(script_violation("search/data/d/0.js", &format!("{call}\n")), None);
    for (path, text) in [
        ("search/data/d/0.js", format!("{call}alert(1);\n")),
        (
            "search/data/d/0.js",
            r#"briefingSearch("d/0",[{"t":"x"}]+alert(1));"#.to_string() + "\n",
        ),
        ("search/data/d/1.js", format!("{call}\n")),
        ("assets/app.js", format!("{call}\n")),
    ] {
        assert!(script_violation(path, &text).is_some(), "{path}: {text}");
    }
}
