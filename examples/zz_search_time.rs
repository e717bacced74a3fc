fn main() -> anyhow::Result<()> {
    let root = std::path::PathBuf::from(std::env::args().nth(1).unwrap_or_default());
    let loaded = briefing::load(&root, None).map_err(|e| anyhow::anyhow!("{e:?}"))?;
    for _ in 0..3 {
        let t = std::time::Instant::now();
        let input = briefing::search::SearchInput {
            config: &loaded.config,
            articles: &loaded.articles,
            article_keys: &loaded.article_keys,
            briefing: &loaded.briefing,
            previous: &|_, _| false,
        };
        let bytes = std::sync::atomic::AtomicUsize::new(0);
        briefing::search::index(&input, &|p| {
            bytes.fetch_add(p.bytes.len(), std::sync::atomic::Ordering::Relaxed);
            Ok(())
        })?;
        println!("search index: {:?}, {} bytes", t.elapsed(), bytes.into_inner());
    }
    Ok(())
}
