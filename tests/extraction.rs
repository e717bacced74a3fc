//! What the analysis extracts from the bundled articles: corroborated passage
//! pairs, key points and timeline events, judged by hand once and pinned here.

use std::collections::BTreeSet;
use std::path::Path;

fn load() -> briefing::Loaded {
    briefing::load(Path::new(env!("CARGO_MANIFEST_DIR")), None).unwrap_or_else(|e| panic!("{e}"))
}

/// Cross-article pairs found, as (passage id in the MoC article, passage id in
/// the Tokyo-dialogue article).
fn pairs(loaded: &briefing::Loaded) -> BTreeSet<(String, String)> {
    let slug_of = |a: usize| loaded.articles[a].slug.as_str();
    let mut found = BTreeSet::new();
    for (a, passages) in loaded.briefing.corroboration.iter().enumerate() {
        for (p, others) in passages.iter().enumerate() {
            for (other, _) in others {
                let here = (slug_of(a), loaded.articles[a].passages()[p].id.clone());
                let there = (
                    slug_of(other.article),
                    loaded.articles[other.article].passages()[other.passage].id.clone(),
                );
                let (moc, tokyo) = if here.0.starts_with("india-japan") {
                    (here, there)
                } else {
                    (there, here)
                };
                found.insert((moc.1, tokyo.1));
            }
        }
    }
    found
}

#[test]
fn corroboration_on_the_bundled_articles() {
    let loaded = load();
    let found = pairs(&loaded);
    // Judged by hand: each pair states one fact in both articles.
    let expected: BTreeSet<(String, String)> = [
        ("p7", "p2"), // shared Indo-Pacific vision: rule of law, sovereignty, territorial integrity
        ("p7", "p8"), // the same, restated with the IPOI connectivity pillar
        ("p1", "p5"), // the MoC's scope: critical information infrastructure, 5G, IoT, AI
        ("p2", "p5"), // the MoC's scope: capacity building, critical infrastructure
        ("p9", "p9"), // the IPOI launched at the East Asia Summit in November 2019
    ]
    .into_iter()
    .map(|(a, b)| (a.to_string(), b.to_string()))
    .collect();
    let missed: Vec<_> = expected.difference(&found).collect();
    let wrong: Vec<_> = found.difference(&expected).collect();
    assert!(missed.is_empty(), "pairs not found (recall < 1): {missed:?}");
    assert!(
        wrong.is_empty(),
        "pairs found that state different facts (precision < 1): {wrong:?}"
    );
    // Symmetric: each side lists the other.
    let a = &loaded.briefing.corroboration;
    for (article, passages) in a.iter().enumerate() {
        for (passage, others) in passages.iter().enumerate() {
            for (other, _) in others {
                assert!(a[other.article][other.passage]
                    .iter()
                    .any(|(back, _)| back.article == article && back.passage == passage));
            }
        }
    }
}

#[test]
fn the_ipoi_launch_is_one_event_from_both_articles() {
    let loaded = load();
    let launch: Vec<_> = loaded
        .briefing
        .timeline
        .iter()
        .filter(|e| e.date.datetime() == "2019-11")
        .collect();
    assert_eq!(launch.len(), 1, "{launch:?}");
    let articles: BTreeSet<usize> = launch[0].citations.iter().map(|r| r.article).collect();
    assert_eq!(articles.len(), 2);
    // Numbers that are not dates never become events.
    assert!(loaded
        .briefing
        .timeline
        .iter()
        .all(|e| (2018..=2020).contains(&e.date.year)));
}

#[test]
fn key_points_are_sentences_of_the_topic_citing_their_passage() {
    let loaded = load();
    let ipoi = loaded
        .config
        .topics
        .iter()
        .position(|t| t.slug == "ipoi")
        .unwrap_or_else(|| panic!("no ipoi topic"));
    let points = &loaded.briefing.key_points[ipoi];
    assert!((3..=5).contains(&points.len()), "{points:?}");
    for point in points {
        let passage = &loaded.articles[point.citation.article].passages()[point.citation.passage];
        assert!(passage.text.contains(&point.sentence), "{point:?}");
        assert!(loaded.briefing.topics[ipoi].passages.contains(&point.citation));
    }
    assert!(points[0].sentence.contains("IPOI"), "{:?}", points[0]);
}
