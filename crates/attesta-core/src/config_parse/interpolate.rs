//! `${VAR}`, `${VAR:-default}` and `$$` in string values.
//!
//! Interpolation runs on the parsed tree, never on the raw text: a variable's value can hold
//! quotes, colons or newlines without changing the document's structure, and every error keeps
//! the line of the value it came from.

use super::node::{Node, Pos, Seg, Value};

#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum InterpolationError {
    /// `${NAME}` with no such variable and no default.
    Missing { variable: String },
    /// `${` without a closing brace, or a name that is not `[A-Za-z_][A-Za-z0-9_]*`.
    Malformed { reason: String },
}

/// Expands one string. `Ok(None)` means it held no `$` and is unchanged.
pub(crate) fn expand(
    text: &str,
    env: &dyn Fn(&str) -> Option<String>,
) -> Result<Option<String>, InterpolationError> {
    if !text.contains('$') {
        return Ok(None);
    }
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find('$') {
        out.push_str(&rest[..at]);
        let after = &rest[at + 1..];
        if let Some(tail) = after.strip_prefix('$') {
            out.push('$');
            rest = tail;
        } else if let Some(body) = after.strip_prefix('{') {
            let Some(close) = body.find('}') else {
                return Err(InterpolationError::Malformed {
                    reason: "`${` is never closed with `}` (write `$$` for a literal `$`)".into(),
                });
            };
            let inner = &body[..close];
            let (name, default) = match inner.find(":-") {
                Some(i) => (&inner[..i], Some(&inner[i + 2..])),
                None => (inner, None),
            };
            if !is_env_name(name) {
                return Err(InterpolationError::Malformed {
                    reason: format!(
                        "`${{{inner}}}` does not name an environment variable (letters, digits \
                         and `_`, not starting with a digit)"
                    ),
                });
            }
            // Like the shell's `:-`, an empty variable also takes the default.
            match (env(name), default) {
                (Some(value), Some(default)) if value.is_empty() => out.push_str(default),
                (Some(value), _) => out.push_str(&value),
                (None, Some(default)) => out.push_str(default),
                (None, None) => {
                    return Err(InterpolationError::Missing {
                        variable: name.to_owned(),
                    });
                }
            }
            rest = &body[close + 1..];
        } else {
            // A lone `$` (e.g. in a regex such as `^rm$`) stays as written.
            out.push('$');
            rest = after;
        }
    }
    out.push_str(rest);
    Ok(Some(out))
}

/// Whether `name` is a valid environment variable name.
pub(crate) fn is_env_name(name: &str) -> bool {
    let mut chars = name.chars();
    matches!(chars.next(), Some(c) if c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
}

/// Expands every string value in the tree (keys are left alone).
pub(crate) fn expand_tree(
    node: &mut Node,
    path: &mut Vec<Seg>,
    env: &dyn Fn(&str) -> Option<String>,
) -> Result<(), (Vec<Seg>, Pos, InterpolationError)> {
    let pos = node.pos;
    match &mut node.value {
        Value::Str { text, from_env } => {
            if let Some(expanded) = expand(text, env).map_err(|e| (path.clone(), pos, e))? {
                *from_env = expanded != *text;
                *text = expanded;
            }
        }
        Value::Seq(items) => {
            for (i, item) in items.iter_mut().enumerate() {
                path.push(Seg::Index(i));
                expand_tree(item, path, env)?;
                path.pop();
            }
        }
        Value::Map(entries) => {
            for entry in entries {
                path.push(Seg::Key(entry.key.clone()));
                expand_tree(&mut entry.value, path, env)?;
                path.pop();
            }
        }
        _ => {}
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env(name: &str) -> Option<String> {
        match name {
            "HOME_DIR" => Some("/home/ada".into()),
            "EMPTY" => Some(String::new()),
            "WEIRD" => Some("a: b\n- c ${NOT_EXPANDED}".into()),
            _ => None,
        }
    }

    #[test]
    fn plain_text_is_untouched() {
        assert_eq!(expand("no dollars here", &env), Ok(None));
    }

    #[test]
    fn variables_defaults_and_escapes() {
        assert_eq!(
            expand("${HOME_DIR}/x", &env).unwrap().unwrap(),
            "/home/ada/x"
        );
        assert_eq!(
            expand("${NOPE:-fallback}", &env).unwrap().unwrap(),
            "fallback"
        );
        assert_eq!(
            expand("${EMPTY:-fallback}", &env).unwrap().unwrap(),
            "fallback"
        );
        assert_eq!(expand("${EMPTY}", &env).unwrap().unwrap(), "");
        assert_eq!(expand("${NOPE:-}", &env).unwrap().unwrap(), "");
        assert_eq!(
            expand("cost $$5 ${HOME_DIR}", &env).unwrap().unwrap(),
            "cost $5 /home/ada"
        );
        assert_eq!(
            expand("$${HOME_DIR}", &env).unwrap().unwrap(),
            "${HOME_DIR}"
        );
        assert_eq!(expand("^rm$", &env).unwrap().unwrap(), "^rm$");
    }

    #[test]
    fn values_are_not_re_expanded() {
        assert_eq!(
            expand("${WEIRD}", &env).unwrap().unwrap(),
            "a: b\n- c ${NOT_EXPANDED}"
        );
    }

    #[test]
    fn missing_and_malformed_are_errors() {
        assert_eq!(
            expand("${NOPE}", &env),
            Err(InterpolationError::Missing {
                variable: "NOPE".into()
            })
        );
        assert!(matches!(
            expand("${HOME_DIR", &env),
            Err(InterpolationError::Malformed { .. })
        ));
        assert!(matches!(
            expand("${1ABC}", &env),
            Err(InterpolationError::Malformed { .. })
        ));
        assert!(matches!(
            expand("${}", &env),
            Err(InterpolationError::Malformed { .. })
        ));
    }
}
