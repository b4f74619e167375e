//! Import circles between sibling modules (`cargo run -p xtask -- mod-cycles`, run by CI): a
//! module that names a sibling which names it back, directly or through other siblings.
//!
//! A crate's modules are its files under `src/` (`foo.rs` and `foo/mod.rs` are `foo`) and the
//! inline `mod name { … }` blocks inside them; the crate root (`lib.rs`, `main.rs`) is left out,
//! since what it declares or re-exports is the whole crate's shared context. Every path that
//! starts with `crate::`, `super::` or `self::` — in `use` trees with braces
//! (`use crate::{a::x, b}`) as well as inline in code — is resolved against the module it is
//! written in. A path from module `m` to `t` draws an edge between the two children of their
//! deepest common ancestor that hold them (`crate::api::wire` named from `cycle::pages` is an
//! edge `cycle → api`); a module naming its own descendant or ancestor draws none. A circle is
//! a strongly connected set of two or more siblings. Comments and string literals are skipped.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// A module path below the crate root (`["cycle", "pages"]`).
pub type ModPath = Vec<String>;

/// One circle of sibling modules in one crate.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Circle {
    /// The crate's folder name under `crates/`.
    pub krate: String,
    /// The siblings that reach each other, sorted.
    pub modules: Vec<ModPath>,
}

impl std::fmt::Display for Circle {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let names: Vec<String> = self.modules.iter().map(|m| m.join("::")).collect();
        write!(f, "circle in {}: {}", self.krate, names.join(", "))
    }
}

/// The circles of every crate under `crates/` of the workspace at `root`.
///
/// Fails when a folder or file cannot be read.
pub fn find(root: &Path) -> std::io::Result<Vec<Circle>> {
    let mut circles = Vec::new();
    let mut crates: Vec<PathBuf> = std::fs::read_dir(root.join("crates"))?
        .map(|entry| entry.map(|e| e.path()))
        .collect::<Result<_, _>>()?;
    crates.sort();
    for dir in crates {
        let src = dir.join("src");
        if !src.is_dir() {
            continue;
        }
        let mut files = Vec::new();
        rust_files(&src, &mut files)?;
        let sources = files
            .into_iter()
            .filter_map(|path| {
                let module = file_module(&src, &path)?;
                Some(std::fs::read_to_string(&path).map(|text| (module, text)))
            })
            .collect::<Result<Vec<_>, _>>()?;
        let krate = dir
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        circles.extend(circles_in(&sources).into_iter().map(|modules| Circle {
            krate: krate.clone(),
            modules,
        }));
    }
    Ok(circles)
}

/// The circles among the modules of one crate, given as (file module, source text) pairs.
pub fn circles_in(sources: &[(ModPath, String)]) -> Vec<Vec<ModPath>> {
    let mut modules: BTreeSet<ModPath> = BTreeSet::new();
    let mut references: Vec<(ModPath, ModPath)> = Vec::new();
    for (module, text) in sources {
        modules.insert(module.clone());
        let code = strip_comments_and_strings(text);
        for (inner, target) in paths(module, &code) {
            modules.insert(inner.clone());
            references.push((inner, target));
        }
    }
    let mut edges: BTreeMap<ModPath, BTreeSet<ModPath>> = BTreeMap::new();
    for (from, target) in references {
        // The longest prefix of the target that is a module.
        let Some(target) = (1..=target.len())
            .rev()
            .map(|k| target[..k].to_vec())
            .find(|prefix| modules.contains(prefix))
        else {
            continue;
        };
        let common = from.iter().zip(&target).take_while(|(a, b)| a == b).count();
        if common >= from.len() || common >= target.len() {
            continue; // an ancestor or a descendant
        }
        let (a, b) = (from[..=common].to_vec(), target[..=common].to_vec());
        edges.entry(a).or_default().insert(b);
    }
    strongly_connected(&edges)
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) -> std::io::Result<()> {
    for entry in std::fs::read_dir(dir)? {
        let path = entry?.path();
        if path.is_dir() {
            rust_files(&path, out)?;
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
    Ok(())
}

/// `src/cycle/pages.rs` → `cycle::pages`; the crate root → `None`.
fn file_module(src: &Path, path: &Path) -> Option<ModPath> {
    let relative = path.strip_prefix(src).ok()?.with_extension("");
    let mut parts: ModPath = relative
        .components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect();
    if parts.last().is_some_and(|p| p == "mod") {
        parts.pop();
    }
    if parts.is_empty() || parts == ["lib"] || parts == ["main"] {
        return None;
    }
    Some(parts)
}

/// The text with comments and the contents of string literals blanked out (lengths kept);
/// char literals and lifetimes are left as they are.
fn strip_comments_and_strings(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = String::with_capacity(text.len());
    let mut i = 0;
    while i < bytes.len() {
        let rest = &text[i..];
        if rest.starts_with("//") {
            let end = rest.find('\n').unwrap_or(rest.len());
            out.push_str(&" ".repeat(end));
            i += end;
        } else if rest.starts_with("/*") {
            // Block comments nest in Rust.
            let (mut depth, mut j) = (0usize, 0usize);
            while j < rest.len() {
                if rest[j..].starts_with("/*") {
                    depth += 1;
                    j += 2;
                } else if rest[j..].starts_with("*/") {
                    depth -= 1;
                    j += 2;
                    if depth == 0 {
                        break;
                    }
                } else {
                    j += rest[j..].chars().next().map_or(1, char::len_utf8);
                }
            }
            out.push_str(&" ".repeat(j));
            i += j;
        } else if let Some(len) = string_literal_len(rest) {
            out.push('"');
            out.push_str(&" ".repeat(len.saturating_sub(2)));
            out.push('"');
            i += len;
        } else {
            let c = rest.chars().next().unwrap_or(' ');
            out.push(c);
            i += c.len_utf8();
        }
    }
    out
}

/// The byte length of the string literal `text` starts with (`"…"`, `b"…"`, `r#"…"#`), if any.
fn string_literal_len(text: &str) -> Option<usize> {
    let prefix = text
        .char_indices()
        .take_while(|(_, c)| matches!(c, 'b' | 'r' | 'c'))
        .count();
    let after = &text[prefix..];
    let raw = text[..prefix].contains('r');
    if raw {
        let hashes = after.chars().take_while(|&c| c == '#').count();
        let body = after[hashes..].strip_prefix('"')?;
        let close = format!("\"{}", "#".repeat(hashes));
        let end = body.find(&close)?;
        return Some(prefix + hashes + 1 + end + close.len());
    }
    let body = after.strip_prefix('"')?;
    if prefix > 0 && text[..prefix] != *"b" && text[..prefix] != *"c" {
        return None;
    }
    let mut escaped = false;
    for (j, c) in body.char_indices() {
        match c {
            _ if escaped => escaped = false,
            '\\' => escaped = true,
            '"' => return Some(prefix + 1 + j + 1),
            _ => {}
        }
    }
    None
}

/// Every `crate::`/`super::`/`self::` path of `code` (written in file module `file`), as
/// (the module it is written in, counting inline `mod` blocks; the absolute target path).
fn paths(file: &ModPath, code: &str) -> Vec<(ModPath, ModPath)> {
    let tokens = tokenize(code);
    let mut found = Vec::new();
    // Inline modules open at a brace depth: (depth of their block, name).
    let mut inline: Vec<(usize, String)> = Vec::new();
    let mut depth = 0usize;
    let mut i = 0;
    while i < tokens.len() {
        let token = tokens[i];
        match token {
            "{" => depth += 1,
            "}" => {
                depth = depth.saturating_sub(1);
                if inline.last().is_some_and(|(d, _)| *d > depth) {
                    inline.pop();
                }
            }
            "mod" if tokens.get(i + 2) == Some(&"{") && is_ident(tokens[i + 1]) => {
                inline.push((depth + 1, tokens[i + 1].to_owned()));
            }
            "crate" | "super" | "self"
                if tokens.get(i + 1) == Some(&"::") && (i == 0 || tokens[i - 1] != "::") =>
            {
                let mut here = file.clone();
                here.extend(inline.iter().map(|(_, name)| name.clone()));
                let mut trees = Vec::new();
                let end = use_tree(&tokens, i, &mut Vec::new(), &mut trees);
                for tree in trees {
                    if let Some(target) = resolve(&here, &tree) {
                        found.push((here.clone(), target));
                    }
                }
                i = end;
                continue;
            }
            _ => {}
        }
        i += 1;
    }
    found
}

/// Reads a path or use tree starting at `tokens[i]`, pushing every full path (prefix
/// included) to `out`; returns the index after it.
fn use_tree<'a>(
    tokens: &[&'a str],
    mut i: usize,
    prefix: &mut Vec<&'a str>,
    out: &mut Vec<Vec<&'a str>>,
) -> usize {
    let base = prefix.len();
    loop {
        match tokens.get(i) {
            Some(&"{") => {
                i += 1;
                loop {
                    match tokens.get(i) {
                        Some(&"}") => {
                            i += 1;
                            break;
                        }
                        Some(&",") => i += 1,
                        Some(_) => i = use_tree(tokens, i, prefix, out),
                        None => break,
                    }
                }
                break;
            }
            Some(&token) if is_ident(token) => {
                prefix.push(token);
                i += 1;
                if tokens.get(i) == Some(&"::") {
                    i += 1;
                    continue;
                }
                out.push(prefix.clone());
                break;
            }
            _ => {
                // `*`, or a path ending in `::<` (turbofish): what was read so far.
                if prefix.len() > base {
                    out.push(prefix.clone());
                }
                break;
            }
        }
    }
    prefix.truncate(base);
    i
}

/// The absolute module path of `path` (starting with `crate`, `super` or `self`) written in
/// module `here`.
fn resolve(here: &ModPath, path: &[&str]) -> Option<ModPath> {
    let mut at: ModPath = match path.first()? {
        &"crate" => Vec::new(),
        _ => here.clone(),
    };
    let mut rest = &path[usize::from(path.first() == Some(&"crate"))..];
    while let Some((&first, tail)) = rest.split_first() {
        match first {
            "super" => {
                at.pop()?;
            }
            "self" => {}
            _ => break,
        }
        rest = tail;
    }
    at.extend(rest.iter().map(|s| (*s).to_owned()));
    Some(at)
}

fn is_ident(token: &str) -> bool {
    token
        .chars()
        .next()
        .is_some_and(|c| c.is_alphabetic() || c == '_')
        && token.chars().all(|c| c.is_alphanumeric() || c == '_')
}

/// Identifiers, `::`, and every other non-space character as a token of its own.
fn tokenize(code: &str) -> Vec<&str> {
    let mut tokens = Vec::new();
    let mut chars = code.char_indices().peekable();
    while let Some((start, c)) = chars.next() {
        if c.is_whitespace() {
            continue;
        }
        let mut end = start + c.len_utf8();
        if c.is_alphanumeric() || c == '_' {
            while let Some(&(j, d)) = chars.peek() {
                if !(d.is_alphanumeric() || d == '_') {
                    break;
                }
                end = j + d.len_utf8();
                chars.next();
            }
        } else if c == ':' && chars.peek().is_some_and(|&(_, d)| d == ':') {
            chars.next();
            end += 1;
        }
        tokens.push(&code[start..end]);
    }
    tokens
}

/// The strongly connected sets of two or more nodes (Tarjan), each sorted, in order.
fn strongly_connected(edges: &BTreeMap<ModPath, BTreeSet<ModPath>>) -> Vec<Vec<ModPath>> {
    struct Walk<'a> {
        edges: &'a BTreeMap<ModPath, BTreeSet<ModPath>>,
        index: BTreeMap<&'a ModPath, usize>,
        low: BTreeMap<&'a ModPath, usize>,
        stack: Vec<&'a ModPath>,
        on_stack: BTreeSet<&'a ModPath>,
        out: Vec<Vec<ModPath>>,
    }
    impl<'a> Walk<'a> {
        fn visit(&mut self, v: &'a ModPath) {
            let n = self.index.len();
            self.index.insert(v, n);
            self.low.insert(v, n);
            self.stack.push(v);
            self.on_stack.insert(v);
            for w in self.edges.get(v).into_iter().flatten() {
                if !self.index.contains_key(w) {
                    self.visit(w);
                    let low = self.low[v].min(self.low[w]);
                    self.low.insert(v, low);
                } else if self.on_stack.contains(w) {
                    let low = self.low[v].min(self.index[w]);
                    self.low.insert(v, low);
                }
            }
            if self.low[v] == self.index[v] {
                let mut component = Vec::new();
                while let Some(w) = self.stack.pop() {
                    self.on_stack.remove(w);
                    component.push(w.clone());
                    if w == v {
                        break;
                    }
                }
                if component.len() > 1 {
                    component.sort();
                    self.out.push(component);
                }
            }
        }
    }
    let mut walk = Walk {
        edges,
        index: BTreeMap::new(),
        low: BTreeMap::new(),
        stack: Vec::new(),
        on_stack: BTreeSet::new(),
        out: Vec::new(),
    };
    let nodes: BTreeSet<&ModPath> = edges
        .iter()
        .flat_map(|(from, to)| std::iter::once(from).chain(to))
        .collect();
    for node in nodes {
        if !walk.index.contains_key(node) {
            walk.visit(node);
        }
    }
    walk.out.sort();
    walk.out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn module(path: &str) -> ModPath {
        path.split("::").map(str::to_owned).collect()
    }

    fn circles(files: &[(&str, &str)]) -> Vec<String> {
        let sources: Vec<(ModPath, String)> = files
            .iter()
            .map(|(m, text)| (module(m), (*text).to_owned()))
            .collect();
        circles_in(&sources)
            .iter()
            .map(|c| {
                c.iter()
                    .map(|m| m.join("::"))
                    .collect::<Vec<_>>()
                    .join(", ")
            })
            .collect()
    }

    #[test]
    fn a_grouped_use_closes_a_circle() {
        assert_eq!(
            circles(&[
                ("public", "use crate::{downloads::attachment, views};"),
                ("downloads", "fn f() { crate::public::load_edition(); }"),
                ("views", "use crate::model::Thing;"),
            ]),
            ["downloads, public"]
        );
    }

    #[test]
    fn circles_through_other_siblings_and_nested_folders() {
        assert_eq!(
            circles(&[
                ("cycle::pages", "use crate::api::wire::Sheet;"),
                ("api::wire", "use super::super::search::Hit;"),
                ("search", "use crate::cycle::service;"),
                ("cycle::service", "use super::pages::Notice;"),
                ("cycle::pages::form", "use super::super::service::x;"),
            ]),
            // cycle → api → search → cycle; pages → service → pages inside cycle.
            ["api, cycle, search", "cycle::pages, cycle::service"]
        );
    }

    #[test]
    fn downward_imports_comments_strings_and_tests_draw_no_circle() {
        assert_eq!(
            circles(&[
                ("http", "use crate::views::Edition; // crate::pages::x"),
                (
                    "views",
                    r#"const S: &str = "crate::http::x"; /* crate::http */"#
                ),
                ("pages", "use crate::{http, views};"),
                // `super` inside an inline test module is the file itself.
                (
                    "store",
                    "fn a() {}\n#[cfg(test)]\nmod tests {\n use super::a;\n}"
                ),
                ("a", "use crate::store;"),
            ]),
            Vec::<String>::new()
        );
    }

    #[test]
    fn an_inline_module_counts_as_its_file() {
        assert_eq!(
            circles(&[
                ("error", "mod tests { use crate::auth::Session; }"),
                ("auth", "use crate::error::Error;"),
            ]),
            ["auth, error"]
        );
    }
}
