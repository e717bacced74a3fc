//! `briefing check`: everything `build` validates, without writing; then the
//! passages that match no topic and the topics that no passage matches.

use super::{print_diagnostics, ProjectArgs};
use briefing::diagnostics::Failed;
use briefing::text::excerpt;

#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(flatten)]
    pub project: ProjectArgs,
}

pub fn run(args: Args) -> anyhow::Result<()> {
    let root = &args.project.root;
    // Templates are checked even when the content has errors, so that one run
    // lists every problem.
    let templates = briefing::render::Templates::load(&root.join("templates"));
    let loaded = match briefing::load(root, None) {
        Ok(loaded) => loaded,
        Err(Failed(mut problems)) => {
            if let Some(Failed(more)) = templates.as_ref().err().and_then(|e| e.downcast_ref::<Failed>()) {
                problems.extend(more.iter().cloned());
            }
            return Err(Failed(problems).into());
        }
    };
    templates?;
    briefing::render_site(root, &loaded, &|_, _| false, &|_page| Ok(()))?;
    print_diagnostics(&loaded.warnings);
    let unmatched = loaded.briefing.unmatched();
    let mut out = String::new();
    if !unmatched.is_empty() {
        out.push_str(&format!(
            "{} passage{} match no topic:\n",
            unmatched.len(),
            if unmatched.len() == 1 { "" } else { "s" }
        ));
        for r in &unmatched {
            let article = &loaded.articles[r.article];
            let passage = &article.passages()[r.passage];
            out.push_str(&format!(
                "  {}:{}: {}: {}\n",
                article.file,
                passage.line,
                passage.id,
                excerpt(&passage.text, 90)
            ));
        }
    }
    let empty: Vec<&str> = loaded
        .config
        .topics
        .iter()
        .zip(&loaded.briefing.topics)
        .filter(|(_, s)| s.passages.is_empty())
        .map(|(t, _)| t.slug.as_str())
        .collect();
    if !empty.is_empty() {
        out.push_str(&format!(
            "{} topic{} with no passage: {}\n",
            empty.len(),
            if empty.len() == 1 { "" } else { "s" },
            empty.join(", ")
        ));
    }
    let undefined = &briefing::analyze::glossary::undefined_acronyms(&loaded.articles, &loaded.briefing.glossary);
    if !undefined.is_empty() {
        out.push_str(&format!(
            "{} acronym{} used but never defined:\n",
            undefined.len(),
            if undefined.len() == 1 { "" } else { "s" }
        ));
        for u in undefined {
            let article = &loaded.articles[u.first.article];
            out.push_str(&format!(
                "  {} ({} use{}, first in {}#{})\n",
                u.short,
                u.uses,
                if u.uses == 1 { "" } else { "s" },
                article.file,
                u.first.anchor
            ));
        }
    }
    out.push_str(&format!(
        "checked {} articles, {} passages, {} topics: no errors\n",
        loaded.articles.len(),
        loaded.articles.iter().map(|a| a.passage_count()).sum::<usize>(),
        loaded.config.topics.len()
    ));
    print!("{out}");
    Ok(())
}
