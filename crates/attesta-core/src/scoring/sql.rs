//! SQL statement analysis by keyword structure: DDL, DELETE/UPDATE without a (real) WHERE,
//! privilege changes. Not a parser; it reads the statement's skeleton, which is what decides the
//! blast radius.

use super::args::{Findings, Signal};
use super::shell::CommandClass;
use super::text::snippet;

const MAX_SQL_BYTES: usize = 64 * 1024;

const VERBS: &[&str] = &[
    "select", "insert", "update", "delete", "drop", "truncate", "alter", "create", "grant",
    "revoke", "merge", "replace", "copy", "exec", "execute", "call", "rename", "vacuum", "show",
    "describe", "explain", "with", "upsert", "set", "use", "begin", "commit", "rollback", "pragma",
    "analyze", "comment", "prepare", "do", "declare",
];

/// Severity of dynamic SQL (`EXEC('DR' + 'OP …')`, `sp_executesql`, `PREPARE`/`EXECUTE`,
/// `EXECUTE IMMEDIATE`, `DO` blocks): the statement that runs is built at run time, so the
/// static reading cannot vouch for it.
pub const DYNAMIC_SQL: f64 = 0.8;

/// Whether a text holds SQL after other text: a statement separator followed by a SQL verb with
/// its structural keyword (`…; drop table t`).
pub fn embedded_statement(text: &str) -> bool {
    text.contains(';')
        && text
            .split(';')
            .skip(1)
            .any(|part| looks_like_sql(part.trim_start()))
}

/// String literals of a batch, with literals joined by `+` or `||` concatenated
/// (`'DR' + 'OP TABLE users'` is `DROP TABLE users`).
fn concatenated_literals(text: &str) -> Vec<String> {
    let bytes = text.as_bytes();
    let mut out: Vec<String> = Vec::new();
    let mut joining = false;
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        if b == b'\'' || (b == b'$' && bytes.get(i + 1) == Some(&b'$')) {
            let (close, skip): (&[u8], usize) = if b == b'\'' { (b"'", 1) } else { (b"$$", 2) };
            let start = i + skip;
            let mut j = start;
            while j < bytes.len() && !bytes[j..].starts_with(close) {
                j += 1;
            }
            let lit = &text[start..j.min(text.len())];
            if joining && let Some(last) = out.last_mut() {
                last.push_str(lit);
            } else {
                out.push(lit.to_owned());
            }
            joining = false;
            i = j + skip;
            continue;
        }
        match b {
            b'+' => joining = true,
            b'|' if bytes.get(i + 1) == Some(&b'|') => {
                joining = true;
                i += 1;
            }
            b' ' | b'\t' | b'\n' | b'\r' => {}
            b'N' if bytes.get(i + 1) == Some(&b'\'') => {}
            _ => joining = false,
        }
        i += 1;
    }
    out
}

/// Dynamic SQL in a batch: raises it to [`DYNAMIC_SQL`] and reads the statements its string
/// literals spell out.
fn dynamic_sql(text: &str, findings: &mut Findings, depth: usize) -> bool {
    let words = statement_words(text);
    let at = |i: usize| words.get(i).copied().unwrap_or("");
    let mut dynamic = None;
    for (i, w) in words.iter().enumerate() {
        let next = at(i + 1);
        if kw_eq(w, "sp_executesql") {
            dynamic = Some("sp_executesql runs a string as SQL");
        } else if (kw_eq(w, "exec") || kw_eq(w, "execute"))
            && (kw_eq(next, "immediate")
                || next == "'lit'"
                || next.starts_with('@')
                || text_has_exec_paren(text))
        {
            dynamic = Some("EXEC/EXECUTE runs a string built at run time");
        } else if kw_eq(w, "prepare") && (kw_eq(at(i + 2), "from") || kw_eq(at(i + 2), "as")) {
            dynamic = Some("PREPARE builds a statement from a string");
        } else if i == 0 && kw_eq(w, "do") {
            dynamic = Some("DO block runs procedural code");
        } else if kw_eq(w, "execute") && kw_eq(next, "format") {
            dynamic = Some("EXECUTE format(…) runs a string built at run time");
        }
        if dynamic.is_some() {
            break;
        }
    }
    let Some(why) = dynamic else {
        return false;
    };
    findings.push(Signal::new(
        DYNAMIC_SQL,
        "sql",
        format!("dynamic SQL: {why}: {}", snippet(text, 70)),
    ));
    if depth < 2 {
        for lit in concatenated_literals(text) {
            let lit = lit.trim();
            if !lit.is_empty()
                && (looks_like_sql(lit)
                    || VERBS
                        .iter()
                        .any(|v| first_word(lit).eq_ignore_ascii_case(v)))
            {
                analyze_depth(lit, findings, depth + 1);
            }
        }
    }
    true
}

fn text_has_exec_paren(text: &str) -> bool {
    let lower = text.to_ascii_lowercase();
    lower.contains("exec(")
        || lower.contains("exec (")
        || lower.contains("execute(")
        || lower.contains("execute (")
}

/// First SQL-ish word of `text`, skipping whitespace, comments and opening parentheses.
fn first_word(text: &str) -> &str {
    let mut rest = text;
    loop {
        rest = rest.trim_start_matches(|c: char| c.is_whitespace() || c == '(');
        if let Some(after) = rest.strip_prefix("--") {
            rest = after.split_once('\n').map_or("", |(_, r)| r);
        } else if let Some(after) = rest.strip_prefix("/*") {
            rest = after.split_once("*/").map_or("", |(_, r)| r);
        } else {
            break;
        }
    }
    let end = rest
        .find(|c: char| !c.is_ascii_alphanumeric() && c != '_')
        .unwrap_or(rest.len());
    &rest[..end]
}

/// Whether `text` starts like a SQL statement (`SELECT … FROM`, `DROP TABLE`, …).
pub fn looks_like_sql(text: &str) -> bool {
    let first = first_word(text);
    if first.is_empty() || first.len() > 10 {
        return false;
    }
    super::text::with_lower(first, |lower| match lower {
        // Prose starts with these words too; demand a second structural keyword.
        "select" => has_kw(text, "from") || text.contains(';'),
        "delete" => has_kw(text, "from"),
        "update" => has_kw(text, "set"),
        "insert" | "replace" => has_kw(text, "into"),
        "drop" | "truncate" | "alter" | "create" | "grant" | "revoke" | "merge" | "copy"
        | "vacuum" | "pragma" | "upsert" | "with" | "prepare" | "declare" => true,
        "exec" | "execute" => text.contains(['(', '\'', '@']) || has_kw(text, "immediate"),
        "do" => text.contains("$$"),
        "begin" => has_kw(text, "execute") || has_kw(text, "delete") || has_kw(text, "drop"),
        _ => false,
    })
    .unwrap_or(false)
}

/// Whether `text` starts with a SQL verb (used when the action or key already says SQL).
pub fn starts_with_verb(text: &str) -> bool {
    let first = first_word(text);
    VERBS.iter().any(|v| kw_eq(first, v))
}

fn has_kw(text: &str, kw: &str) -> bool {
    text.split(|c: char| !c.is_ascii_alphanumeric() && c != '_')
        .any(|w| w.eq_ignore_ascii_case(kw))
}

fn kw_eq(word: &str, kw: &str) -> bool {
    word.eq_ignore_ascii_case(kw)
}

/// Analyses one or more `;`-separated statements, adding findings; returns the riskiest class.
pub fn analyze(text: &str, findings: &mut Findings) -> CommandClass {
    analyze_depth(text, findings, 0)
}

fn analyze_depth(text: &str, findings: &mut Findings, depth: usize) -> CommandClass {
    let text = if text.len() > MAX_SQL_BYTES {
        let mut end = MAX_SQL_BYTES;
        while !text.is_char_boundary(end) {
            end -= 1;
        }
        &text[..end]
    } else {
        text
    };
    let mut worst = CommandClass::ReadOnly;
    let mut any = false;
    if dynamic_sql(text, findings, depth) {
        worst = CommandClass::Other;
        any = true;
    }
    for stmt in text.split(';') {
        if stmt.trim().is_empty() {
            continue;
        }
        let (class, any_stmt) = analyze_statement(stmt, findings);
        any |= any_stmt;
        worst = worst.max(class);
    }
    if any { worst } else { CommandClass::Other }
}

/// Words of a statement with string literals blanked out, so `WHERE name = 'drop table'` is not
/// read as DDL.
fn statement_words(stmt: &str) -> Vec<&str> {
    let mut words = Vec::with_capacity(16);
    let bytes = stmt.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        if b == b'\'' || b == b'"' {
            let quote = b;
            i += 1;
            while i < bytes.len() && bytes[i] != quote {
                i += 1;
            }
            words.push("'lit'");
            i += 1;
        } else if b.is_ascii_alphanumeric() || b == b'_' {
            let start = i;
            while i < bytes.len() && (bytes[i].is_ascii_alphanumeric() || bytes[i] == b'_') {
                i += 1;
            }
            words.push(&stmt[start..i]);
        } else if b == b'=' {
            words.push("=");
            i += 1;
        } else if b == b'-' && bytes.get(i + 1) == Some(&b'-') {
            while i < bytes.len() && bytes[i] != b'\n' {
                i += 1;
            }
        } else {
            i += 1;
        }
    }
    words
}

/// A WHERE clause that filters nothing (`WHERE 1=1`, `WHERE true`, `WHERE 'a'='a'`).
fn where_is_trivial(words: &[&str], where_at: usize) -> bool {
    let rest = &words[where_at + 1..];
    match rest {
        [a, "=", b, ..] => a == b,
        [t, ..] => kw_eq(t, "true") || *t == "1",
        [] => true,
    }
}

fn analyze_statement(stmt: &str, findings: &mut Findings) -> (CommandClass, bool) {
    let words = statement_words(stmt);
    let is_verb = |w: &&str| VERBS.iter().any(|v| kw_eq(w, v));
    // Block openers (`BEGIN DELETE …`, `DECLARE …`) are not the statement's verb when a real
    // one follows.
    let opener = |w: &&str| {
        ["begin", "do", "declare", "end"]
            .iter()
            .any(|v| kw_eq(w, v))
    };
    let Some(verb_at) = words
        .iter()
        .position(|w| is_verb(w) && !opener(w))
        .or_else(|| words.iter().position(is_verb))
    else {
        return (CommandClass::Other, false);
    };
    let mut verb = words[verb_at].to_ascii_lowercase();
    if verb == "with" {
        // A CTE: the statement's real verb is the first data-changing one after it, else SELECT.
        verb = words[verb_at + 1..]
            .iter()
            .find(|w| {
                ["delete", "update", "insert", "merge"]
                    .iter()
                    .any(|v| kw_eq(w, v))
            })
            .map_or_else(|| "select".to_owned(), |w| w.to_ascii_lowercase());
    }
    let has = |kw: &str| words.iter().any(|w| kw_eq(w, kw));
    let where_at = words.iter().position(|w| kw_eq(w, "where"));
    let text = snippet(stmt, 70);
    let mut push =
        |sev: f64, why: &str| findings.push(Signal::new(sev, "sql", format!("{why}: {text}")));
    let class = match verb.as_str() {
        "drop" => {
            let object = words
                .get(verb_at + 1)
                .map(|w| w.to_ascii_lowercase())
                .unwrap_or_default();
            match object.as_str() {
                "table" | "database" | "schema" | "keyspace" | "user" | "role" | "owned"
                | "tablespace" => push(0.95, &format!("DROP {}", object.to_ascii_uppercase())),
                _ => push(0.7, "DROP statement"),
            }
            CommandClass::Other
        }
        "truncate" => {
            push(0.92, "TRUNCATE empties a table");
            CommandClass::Other
        }
        "delete" => {
            match where_at {
                None => push(0.92, "DELETE without WHERE removes every row"),
                Some(at) if where_is_trivial(&words, at) => {
                    push(0.92, "DELETE with an always-true WHERE")
                }
                Some(_) => push(0.6, "DELETE rows"),
            }
            CommandClass::Other
        }
        "update" | "upsert" => {
            match where_at {
                None if has("set") => push(0.88, "UPDATE without WHERE changes every row"),
                Some(at) if where_is_trivial(&words, at) => {
                    push(0.88, "UPDATE with an always-true WHERE")
                }
                _ => push(0.45, "UPDATE rows"),
            }
            CommandClass::Workspace
        }
        "alter" => {
            if has("drop") {
                push(0.8, "ALTER … DROP removes a column or constraint");
            } else if has("user") || has("role") || has("superuser") {
                push(0.75, "ALTER of a user or role");
            } else {
                push(0.6, "schema change (ALTER)");
            }
            CommandClass::Other
        }
        "grant" => {
            let broad = has("all") || has("superuser") || has("public") || has("admin");
            push(if broad { 0.8 } else { 0.7 }, "GRANT changes privileges");
            CommandClass::Other
        }
        "revoke" => {
            push(0.65, "REVOKE changes privileges");
            CommandClass::Other
        }
        "create" => {
            if has("user") || has("role") || has("login") {
                push(0.65, "creates a database user or role");
            } else if has("trigger") || has("function") || has("procedure") {
                push(0.5, "creates server-side code");
            } else {
                push(0.35, "creates schema objects");
            }
            CommandClass::Workspace
        }
        "copy" if has("program") => {
            push(0.9, "COPY … PROGRAM runs a shell command");
            CommandClass::Other
        }
        "insert" | "merge" | "replace" | "copy" => {
            push(0.35, "writes rows");
            CommandClass::Workspace
        }
        "exec" | "execute" | "call" => {
            let shell = words.iter().any(|w| w.eq_ignore_ascii_case("xp_cmdshell"));
            push(
                if shell { 0.95 } else { 0.5 },
                if shell {
                    "xp_cmdshell runs OS commands"
                } else {
                    "calls a stored procedure"
                },
            );
            CommandClass::Other
        }
        "select" => {
            if has("outfile")
                || has("dumpfile")
                || has("pg_read_file")
                || has("load_file")
                || has("lo_export")
            {
                push(0.75, "SELECT reading or writing server files");
                CommandClass::Other
            } else if words.iter().any(|w| {
                let l = w.to_ascii_lowercase();
                [
                    "password",
                    "passwd",
                    "ssn",
                    "secret",
                    "token",
                    "card_number",
                    "credit_card",
                    "cvv",
                    "private_key",
                    "api_key",
                ]
                .iter()
                .any(|s| l.contains(s))
            }) {
                push(0.6, "SELECT of credential or sensitive columns");
                CommandClass::ReadOnly
            } else {
                CommandClass::ReadOnly
            }
        }
        "show" | "describe" | "explain" | "use" | "begin" | "commit" | "rollback" | "analyze"
        | "declare" | "do" | "prepare" => CommandClass::ReadOnly,
        "vacuum" | "pragma" | "rename" | "set" | "comment" => CommandClass::Workspace,
        _ => CommandClass::Other,
    };
    (class, true)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sev(sql: &str) -> f64 {
        let mut f = Findings::default();
        analyze(sql, &mut f);
        f.max_severity()
    }

    #[test]
    fn blast_radius_orders_statements() {
        let select = sev("SELECT * FROM users WHERE id = 4");
        let update = sev("UPDATE users SET name = 'x' WHERE id = 4");
        let delete = sev("DELETE FROM users WHERE id = 4");
        let update_all = sev("update users set active = false");
        let drop = sev("DROP TABLE users");
        assert!(select < update && update < delete && delete < update_all && update_all < drop);
        assert!(sev("DELETE FROM orders") >= 0.9);
        assert!(sev("delete from orders where 1=1") >= 0.9);
        assert!(sev("TRUNCATE audit_log") >= 0.9);
        assert!(sev("GRANT ALL PRIVILEGES ON *.* TO 'x'@'%'") >= 0.8);
        assert!(sev("ALTER TABLE users DROP COLUMN email") >= 0.8);
        assert!(sev("WITH t AS (SELECT 1) DELETE FROM users") >= 0.9);
    }

    #[test]
    fn literals_and_prose_do_not_fool_it() {
        assert_eq!(
            sev("SELECT * FROM notes WHERE body = 'DROP TABLE users'"),
            0.0
        );
        assert!(!looks_like_sql("Delete the old draft please"));
        assert!(!looks_like_sql("Select a colour"));
        assert!(looks_like_sql("  -- cleanup\n DROP TABLE x"));
        assert!(looks_like_sql("select id from t"));
    }

    #[test]
    fn garbage_does_not_panic() {
        for s in [
            "",
            ";;;",
            "'",
            "where",
            "delete where",
            "update",
            "with",
            "drop",
            "/*",
            "--",
            "select 'unterminated",
        ] {
            let _ = sev(s);
            let _ = looks_like_sql(s);
        }
    }
}
