//! Checks every template before any page is rendered: syntax, and that each
//! template, include, import, filter, test and function it names exists.
//! Tera finds a missing include or filter only when it renders that line, so a
//! mistake inside an `{% if %}` that the current content never takes would
//! otherwise pass `check` and break a later build. Reads no files: it is given
//! the sources `render::Templates::load` read.

use crate::diagnostics::{Diagnostic, Failed};
use std::collections::BTreeSet;
use std::path::PathBuf;
use tera::ast::{Expr, ExprVal, FunctionCall, Node};
use tera::{Template, Tera};

/// Filters Tera handles itself rather than registering.
const SPECIAL_FILTERS: [&str; 2] = ["safe", "default"];

/// Checks `sources` (name, text), of which `user` came from the project's
/// `templates/` folder, against the filters, tests and functions of `tera`.
/// Returns every problem found, each naming the file and, where it can be
/// found, the line and column.
pub fn check(tera: &Tera, sources: &[(String, String)], user: &BTreeSet<String>) -> Result<(), Failed> {
    let names: BTreeSet<&str> = sources.iter().map(|(name, _)| name.as_str()).collect();
    let mut problems = Vec::new();
    for (name, source) in sources {
        // A built-in template names only built-in templates and Tera's own
        // filters, so it always passes (the test `built_in_templates_pass`
        // makes sure); parsing all of them again cost 1.5% of a build.
        if !user.contains(name) {
            continue;
        }
        let path = PathBuf::from("templates").join(name);
        let template = match Template::new(name, None, source) {
            Ok(template) => template,
            Err(error) => {
                problems.push(syntax_error(path, &error));
                continue;
            }
        };
        let mut found = Found::default();
        walk(&template.ast, &mut found);
        let mut report = |message: String, needle: &dyn Fn(&str) -> Option<usize>| {
            let diagnostic = Diagnostic::error(&path, message);
            problems.push(match locate(source, needle) {
                Some((line, column)) => diagnostic.at(line, Some(column)),
                None => diagnostic,
            });
        };
        let quoted = |target: &str| {
            let (double, single) = (format!("\"{target}\""), format!("'{target}'"));
            move |line: &str| line.find(&double).or_else(|| line.find(&single))
        };
        if let Some(parent) = &template.parent {
            if !names.contains(parent.as_str()) {
                report(
                    format!("extends {parent:?}, which is neither in templates/ nor built in"),
                    &quoted(parent),
                );
            }
        }
        for target in found.includes.iter().chain(&found.imports) {
            if !names.contains(target.as_str()) {
                report(
                    format!("includes {target:?}, which is neither in templates/ nor built in"),
                    &quoted(target),
                );
            }
        }
        for filter in &found.filters {
            if !SPECIAL_FILTERS.contains(&filter.as_str()) && tera.get_filter(filter).is_err() {
                report(format!("unknown filter `{filter}`"), &|line| {
                    after_word(line, "|", filter)
                });
            }
        }
        for test in &found.tests {
            if tera.get_tester(test).is_err() {
                report(format!("unknown test `{test}`"), &|line| after_word(line, "is", test));
            }
        }
        for function in &found.functions {
            if tera.get_function(function).is_err() {
                report(format!("unknown function `{function}`"), &|line| {
                    line.find(&format!("{function}("))
                });
            }
        }
    }
    if problems.is_empty() {
        Ok(())
    } else {
        Err(Failed(problems))
    }
}

/// A Tera parse error as `file:line:column: what was expected`. Tera puts pest's
/// report (` --> 3:1`, the line, a caret, `= expected …`) at the end of its chain.
fn syntax_error(path: PathBuf, error: &tera::Error) -> Diagnostic {
    let mut report = String::new();
    let mut source: Option<&dyn std::error::Error> = Some(error);
    while let Some(e) = source {
        report = e.to_string();
        source = e.source();
    }
    let position = report.split_once("--> ").and_then(|(_, rest)| {
        let (line, rest) = rest.split_once(':')?;
        let column: String = rest.chars().take_while(char::is_ascii_digit).collect();
        Some((line.trim().parse().ok()?, column.parse().ok()?))
    });
    let expected = report
        .lines()
        .map(str::trim)
        .find_map(|l| l.strip_prefix("= "))
        .unwrap_or(report.lines().next().unwrap_or("cannot parse the template"));
    let diagnostic = Diagnostic::error(path, format!("syntax error: {expected}"));
    match position {
        Some((line, column)) => diagnostic.at(line, Some(column)),
        None => diagnostic,
    }
}

/// The 1-based line and column (in characters) of the first line where
/// `needle` finds a byte offset.
fn locate(source: &str, needle: &dyn Fn(&str) -> Option<usize>) -> Option<(usize, usize)> {
    source.lines().enumerate().find_map(|(i, line)| {
        let at = needle(line)?;
        Some((i + 1, line[..at].chars().count() + 1))
    })
}

/// Offset of `word` where it follows `lead` and optional spaces in `line`
/// (`| shout`, `is odd`), as a whole word.
fn after_word(line: &str, lead: &str, word: &str) -> Option<usize> {
    line.match_indices(lead).find_map(|(at, _)| {
        let trimmed = line[at + lead.len()..].trim_start();
        let start = line.len() - trimmed.len();
        let after = trimmed.strip_prefix(word)?;
        (!after.starts_with(|c: char| c.is_alphanumeric() || c == '_')).then_some(start)
    })
}

/// Names a template refers to, gathered from its syntax tree.
#[derive(Default)]
struct Found {
    includes: BTreeSet<String>,
    imports: BTreeSet<String>,
    filters: BTreeSet<String>,
    tests: BTreeSet<String>,
    functions: BTreeSet<String>,
}

fn walk(nodes: &[Node], found: &mut Found) {
    for node in nodes {
        match node {
            Node::VariableBlock(_, expr) => expression(expr, found),
            Node::MacroDefinition(_, definition, _) => {
                definition.args.values().flatten().for_each(|e| expression(e, found));
                walk(&definition.body, found);
            }
            Node::Include(_, targets, ignore_missing) => {
                if !ignore_missing {
                    // Tera renders the first of several targets that exists;
                    // only the first is required to.
                    found.includes.extend(targets.first().cloned());
                }
            }
            Node::ImportMacro(_, file, _) => {
                found.imports.insert(file.clone());
            }
            Node::Set(_, set) => expression(&set.value, found),
            Node::FilterSection(_, section, _) => {
                call(&section.filter, found);
                walk(&section.body, found);
            }
            Node::Block(_, block, _) => walk(&block.body, found),
            Node::Forloop(_, forloop, _) => {
                expression(&forloop.container, found);
                walk(&forloop.body, found);
                if let Some(empty) = &forloop.empty_body {
                    walk(empty, found);
                }
            }
            Node::If(branches, _) => {
                for (_, condition, body) in &branches.conditions {
                    expression(condition, found);
                    walk(body, found);
                }
                if let Some((_, body)) = &branches.otherwise {
                    walk(body, found);
                }
            }
            Node::Super
            | Node::Text(_)
            | Node::Extends(..)
            | Node::Raw(..)
            | Node::Break(_)
            | Node::Continue(_)
            | Node::Comment(..) => {}
        }
    }
}

/// A filter applied with `|` or `{% filter %}`: its name and its arguments.
fn call(filter: &FunctionCall, found: &mut Found) {
    found.filters.insert(filter.name.clone());
    filter.args.values().for_each(|e| expression(e, found));
}

fn expression(expr: &Expr, found: &mut Found) {
    value(&expr.val, found);
    expr.filters.iter().for_each(|f| call(f, found));
}

fn value(val: &ExprVal, found: &mut Found) {
    match val {
        ExprVal::Math(math) => {
            expression(&math.lhs, found);
            expression(&math.rhs, found);
        }
        ExprVal::Logic(logic) => {
            expression(&logic.lhs, found);
            expression(&logic.rhs, found);
        }
        ExprVal::In(within) => {
            expression(&within.lhs, found);
            expression(&within.rhs, found);
        }
        ExprVal::Test(test) => {
            found.tests.insert(test.name.clone());
            test.args.iter().for_each(|e| expression(e, found));
        }
        ExprVal::MacroCall(macro_call) => macro_call.args.values().for_each(|e| expression(e, found)),
        ExprVal::FunctionCall(function) => {
            found.functions.insert(function.name.clone());
            function.args.values().for_each(|e| expression(e, found));
        }
        ExprVal::Array(items) => items.iter().for_each(|e| expression(e, found)),
        ExprVal::StringConcat(concat) => concat.values.iter().for_each(|v| value(v, found)),
        ExprVal::String(_) | ExprVal::Int(_) | ExprVal::Float(_) | ExprVal::Bool(_) | ExprVal::Ident(_) => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn problems(user: &[(&str, &str)]) -> Vec<String> {
        let mut sources: Vec<(String, String)> = vec![("base.html".into(), "{% block main %}{% endblock %}".into())];
        sources.extend(user.iter().map(|(n, s)| (n.to_string(), s.to_string())));
        let names = user.iter().map(|(n, _)| n.to_string()).collect();
        match check(&Tera::default(), &sources, &names) {
            Ok(()) => Vec::new(),
            Err(Failed(all)) => all.iter().map(ToString::to_string).collect(),
        }
    }

    #[test]
    fn built_in_templates_pass() {
        let sources: Vec<(String, String)> = crate::render::BUILTIN_TEMPLATES
            .iter()
            .map(|(n, s)| (n.to_string(), s.to_string()))
            .collect();
        let all = sources.iter().map(|(n, _)| n.clone()).collect();
        if let Err(Failed(problems)) = check(&Tera::default(), &sources, &all) {
            panic!("{problems:?}");
        }
    }

    #[test]
    fn good_templates_pass() {
        let ok = "{% extends \"base.html\" %}{% block main %}{{ x | upper | safe }}{% if y is odd %}{% include \"base.html\" %}{% endif %}{% for i in range(end=3) %}{{ i | default(value=1) }}{% endfor %}{% endblock %}";
        assert_eq!(problems(&[("topic.html", ok)]), Vec::<String>::new());
        assert_eq!(
            problems(&[("topic.html", "{% include \"gone.html\" ignore missing %}")]),
            Vec::<String>::new()
        );
    }

    #[test]
    fn each_problem_names_file_line_and_column() {
        assert_eq!(
            problems(&[
                ("a.html", "line one\n{% if x %}\n  {{ x | shout }}\n{% endif %}\n"),
                ("b.html", "{% extends \"nope.html\" %}\n"),
                ("c.html", "one\n{% if x %}{% include 'gone.html' %}{% endif %}\n"),
                ("d.html", "{{ x is weird }}{{ frob(a=1) }}"),
                ("e.html", "line one\nline two {{ oops \nthree\n"),
            ]),
            [
                "templates/a.html:3:10: error: unknown filter `shout`",
                "templates/b.html:1:12: error: extends \"nope.html\", which is neither in templates/ nor built in",
                "templates/c.html:2:22: error: includes \"gone.html\", which is neither in templates/ nor built in",
                "templates/d.html:1:9: error: unknown test `weird`",
                "templates/d.html:1:20: error: unknown function `frob`",
                "templates/e.html:3:1: error: syntax error: expected `or`, `and`, `not`, `<=`, `>=`, `<`, `>`, `==`, `!=`, `+`, `-`, `*`, `/`, `%`, a filter, or a variable end (`}}`)",
            ]
        );
    }
}
