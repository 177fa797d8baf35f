//! A format-neutral document tree that remembers where every key and value came from.
//!
//! YAML, JSON and TOML are all read into this tree first, so interpolation, unknown-key errors,
//! type errors and range checks report the same way (line, column, key path) whatever the format.

use std::fmt;
use std::marker::PhantomData;

use serde::Deserialize;
use serde::de::{self, DeserializeOwned, Deserializer, MapAccess, SeqAccess, Visitor};

/// A 1-based line and column; `0:0` means unknown.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub(crate) struct Pos {
    pub line: u32,
    pub column: u32,
}

impl Pos {
    pub(crate) const UNKNOWN: Pos = Pos { line: 0, column: 0 };

    pub(crate) fn is_known(self) -> bool {
        self.line > 0
    }
}

#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Value {
    Null,
    Bool(bool),
    Int(i128),
    Float(f64),
    /// `from_env` marks text produced by `${VAR}` interpolation: it may stand for a number or a
    /// boolean, because environment variables only hold text.
    Str {
        text: String,
        from_env: bool,
    },
    Seq(Vec<Node>),
    Map(Vec<Entry>),
}

#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Node {
    pub value: Value,
    pub pos: Pos,
}

#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Entry {
    pub key: String,
    pub key_pos: Pos,
    pub value: Node,
}

/// One step of a key path: `policy`, `[2]`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Seg {
    Key(String),
    Index(usize),
}

/// Renders `risk.profiles[0].risk_patterns[1].risk`; keys that would be ambiguous are quoted.
pub(crate) fn render_path(path: &[Seg]) -> String {
    let mut out = String::new();
    for seg in path {
        match seg {
            Seg::Key(key) => {
                if !out.is_empty() {
                    out.push('.');
                }
                let plain = !key.is_empty()
                    && key
                        .chars()
                        .all(|c| c.is_alphanumeric() || c == '_' || c == '-');
                if plain {
                    out.push_str(key);
                } else {
                    out.push('"');
                    out.push_str(&key.replace('"', "\\\""));
                    out.push('"');
                }
            }
            Seg::Index(i) => {
                out.push('[');
                out.push_str(&i.to_string());
                out.push(']');
            }
        }
    }
    out
}

impl Node {
    /// A short description of what the node holds, for type errors.
    pub(crate) fn describe(&self) -> String {
        match &self.value {
            Value::Null => "nothing (null)".to_owned(),
            Value::Bool(b) => format!("the boolean `{b}`"),
            Value::Int(i) => format!("the number `{i}`"),
            Value::Float(f) => format!("the number `{f}`"),
            Value::Str { text, .. } => {
                let shown: String = text.chars().take(40).collect();
                let ellipsis = if text.chars().count() > 40 { "…" } else { "" };
                format!("the text `{shown}{ellipsis}`")
            }
            Value::Seq(_) => "a list".to_owned(),
            Value::Map(_) => "a mapping".to_owned(),
        }
    }

    /// The node at `path`, or the deepest ancestor that exists (a value that came from the
    /// defaults has no node of its own, so errors point at the section that holds it).
    pub(crate) fn locate(&self, path: &[Seg]) -> (Pos, bool) {
        let mut node = self;
        let mut pos = self.pos;
        for (depth, seg) in path.iter().enumerate() {
            let next = match (seg, &node.value) {
                (Seg::Key(k), Value::Map(entries)) => entries
                    .iter()
                    .find(|e| &e.key == k)
                    .map(|e| (&e.value, e.key_pos)),
                (Seg::Index(i), Value::Seq(items)) => items.get(*i).map(|n| (n, n.pos)),
                _ => None,
            };
            match next {
                Some((child, key_pos)) => {
                    node = child;
                    // Prefer the value's own position; fall back to its key's.
                    pos = if child.pos.is_known() {
                        child.pos
                    } else {
                        key_pos
                    };
                    if depth + 1 == path.len() {
                        return (pos, true);
                    }
                }
                None => return (pos, false),
            }
        }
        (pos, true)
    }

    /// Resolves byte offsets (TOML spans) into lines and columns.
    fn resolve_offsets(&mut self, index: &LineIndex, marks: &mut dyn FnMut(&mut Pos, &LineIndex)) {
        marks(&mut self.pos, index);
        match &mut self.value {
            Value::Seq(items) => {
                for item in items {
                    item.resolve_offsets(index, marks);
                }
            }
            Value::Map(entries) => {
                for entry in entries {
                    marks(&mut entry.key_pos, index);
                    entry.value.resolve_offsets(index, marks);
                }
            }
            _ => {}
        }
    }
}

/// Line starts of a text, to turn byte offsets into 1-based line/column (columns in characters).
pub(crate) struct LineIndex<'a> {
    text: &'a str,
    starts: Vec<usize>,
}

impl<'a> LineIndex<'a> {
    pub(crate) fn new(text: &'a str) -> Self {
        let mut starts = vec![0];
        starts.extend(text.match_indices('\n').map(|(i, _)| i + 1));
        LineIndex { text, starts }
    }

    pub(crate) fn pos(&self, offset: usize) -> Pos {
        let offset = offset.min(self.text.len());
        let line = match self.starts.binary_search(&offset) {
            Ok(i) => i,
            Err(i) => i.saturating_sub(1),
        };
        let start = self.starts[line];
        let column = self
            .text
            .get(start..offset)
            .map_or(offset - start, |s| s.chars().count());
        Pos {
            line: clamp_u32(line + 1),
            column: clamp_u32(column + 1),
        }
    }
}

fn clamp_u32(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

/// How a format's span wrapper exposes positions.
pub(crate) trait Flavor: 'static {
    type Spanned<T: DeserializeOwned>: DeserializeOwned;
    fn split<T: DeserializeOwned>(spanned: Self::Spanned<T>) -> (T, Pos);
}

pub(crate) struct YamlFlavor;

impl Flavor for YamlFlavor {
    type Spanned<T: DeserializeOwned> = serde_saphyr::Spanned<T>;
    fn split<T: DeserializeOwned>(spanned: Self::Spanned<T>) -> (T, Pos) {
        let loc = spanned.referenced;
        let pos = Pos {
            line: u32::try_from(loc.line()).unwrap_or(u32::MAX),
            column: u32::try_from(loc.column()).unwrap_or(u32::MAX),
        };
        (spanned.value, pos)
    }
}

/// TOML spans are byte ranges; they are stored in `line` (as offset + 1) with column 0 and
/// turned into real positions by [`resolve_toml_offsets`].
pub(crate) struct TomlFlavor;

impl Flavor for TomlFlavor {
    type Spanned<T: DeserializeOwned> = toml::Spanned<T>;
    fn split<T: DeserializeOwned>(spanned: Self::Spanned<T>) -> (T, Pos) {
        let start = spanned.span().start;
        (
            spanned.into_inner(),
            Pos {
                line: clamp_u32(start + 1),
                column: 0,
            },
        )
    }
}

pub(crate) fn resolve_toml_offsets(root: &mut Node, text: &str) {
    let index = LineIndex::new(text);
    root.resolve_offsets(&index, &mut |pos, index| {
        if pos.line > 0 && pos.column == 0 {
            *pos = index.pos(pos.line as usize - 1);
        }
    });
}

/// Deserialises any self-describing document into a [`Value`] whose children carry positions.
pub(crate) struct Tree<F: Flavor> {
    pub value: Value,
    _flavor: PhantomData<F>,
}

impl<F: Flavor> Tree<F> {
    fn new(value: Value) -> Self {
        Tree {
            value,
            _flavor: PhantomData,
        }
    }
}

impl<'de, F: Flavor> Deserialize<'de> for Tree<F> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(TreeVisitor::<F>(PhantomData))
    }
}

struct TreeVisitor<F>(PhantomData<F>);

impl<'de, F: Flavor> Visitor<'de> for TreeVisitor<F> {
    type Value = Tree<F>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a configuration value")
    }
    fn visit_bool<E>(self, v: bool) -> Result<Self::Value, E> {
        Ok(Tree::new(Value::Bool(v)))
    }
    fn visit_i64<E>(self, v: i64) -> Result<Self::Value, E> {
        Ok(Tree::new(Value::Int(i128::from(v))))
    }
    fn visit_u64<E>(self, v: u64) -> Result<Self::Value, E> {
        Ok(Tree::new(Value::Int(i128::from(v))))
    }
    fn visit_i128<E>(self, v: i128) -> Result<Self::Value, E> {
        Ok(Tree::new(Value::Int(v)))
    }
    fn visit_u128<E>(self, v: u128) -> Result<Self::Value, E> {
        // Beyond i128 nothing in the model can hold it; keep it as a (huge) float so range
        // checks reject it with a message instead of failing here without one.
        Ok(Tree::new(
            i128::try_from(v).map_or(Value::Float(v as f64), Value::Int),
        ))
    }
    fn visit_f64<E>(self, v: f64) -> Result<Self::Value, E> {
        Ok(Tree::new(Value::Float(v)))
    }
    fn visit_str<E>(self, v: &str) -> Result<Self::Value, E> {
        Ok(Tree::new(Value::Str {
            text: v.to_owned(),
            from_env: false,
        }))
    }
    fn visit_string<E>(self, v: String) -> Result<Self::Value, E> {
        Ok(Tree::new(Value::Str {
            text: v,
            from_env: false,
        }))
    }
    fn visit_unit<E>(self) -> Result<Self::Value, E> {
        Ok(Tree::new(Value::Null))
    }
    fn visit_none<E>(self) -> Result<Self::Value, E> {
        Ok(Tree::new(Value::Null))
    }
    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        Tree::deserialize(d)
    }
    fn visit_newtype_struct<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        Tree::deserialize(d)
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
        let mut items = Vec::new();
        while let Some(item) = seq.next_element::<F::Spanned<Tree<F>>>()? {
            let (tree, pos) = F::split(item);
            items.push(Node {
                value: tree.value,
                pos,
            });
        }
        Ok(Tree::new(Value::Seq(items)))
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let mut entries: Vec<Entry> = Vec::new();
        // An index of the keys seen: a map of 40,000 overrides must not cost 800 million
        // comparisons to check for duplicates.
        let mut seen: std::collections::HashSet<String> = std::collections::HashSet::new();
        while let Some(key) = map.next_key::<F::Spanned<KeyText>>()? {
            let (key, key_pos) = F::split(key);
            let (tree, pos) = F::split(map.next_value::<F::Spanned<Tree<F>>>()?);
            if !seen.insert(key.0.clone()) {
                return Err(de::Error::custom(format_args!("duplicate key `{}`", key.0)));
            }
            entries.push(Entry {
                key: key.0,
                key_pos,
                value: Node {
                    value: tree.value,
                    pos,
                },
            });
        }
        Ok(Tree::new(Value::Map(entries)))
    }
}

/// A mapping key, whatever scalar it was written as (`123: low` is the key "123").
struct KeyText(String);

impl<'de> Deserialize<'de> for KeyText {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_string(KeyVisitor)
    }
}

struct KeyVisitor;

impl Visitor<'_> for KeyVisitor {
    type Value = KeyText;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a key")
    }
    fn visit_str<E>(self, v: &str) -> Result<KeyText, E> {
        Ok(KeyText(v.to_owned()))
    }
    fn visit_string<E>(self, v: String) -> Result<KeyText, E> {
        Ok(KeyText(v))
    }
    fn visit_i64<E>(self, v: i64) -> Result<KeyText, E> {
        Ok(KeyText(v.to_string()))
    }
    fn visit_u64<E>(self, v: u64) -> Result<KeyText, E> {
        Ok(KeyText(v.to_string()))
    }
    fn visit_bool<E>(self, v: bool) -> Result<KeyText, E> {
        Ok(KeyText(v.to_string()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_index_maps_offsets_to_lines_and_char_columns() {
        let index = LineIndex::new("ab\nc\u{e9}d\n\nx");
        assert_eq!(index.pos(0), Pos { line: 1, column: 1 });
        assert_eq!(index.pos(3), Pos { line: 2, column: 1 });
        assert_eq!(index.pos(6), Pos { line: 2, column: 3 }, "é is one column");
        assert_eq!(index.pos(8), Pos { line: 3, column: 1 });
        assert_eq!(index.pos(9), Pos { line: 4, column: 1 });
        assert_eq!(index.pos(999), Pos { line: 4, column: 2 });
    }

    #[test]
    fn paths_render_with_dots_indices_and_quotes() {
        let path = vec![
            Seg::Key("risk".into()),
            Seg::Key("profiles".into()),
            Seg::Index(0),
            Seg::Key("risk_patterns".into()),
            Seg::Index(2),
            Seg::Key("risk".into()),
        ];
        assert_eq!(render_path(&path), "risk.profiles[0].risk_patterns[2].risk");
        assert_eq!(
            render_path(&[Seg::Key("risk".into()), Seg::Key("db.drop".into())]),
            "risk.\"db.drop\""
        );
    }
}
