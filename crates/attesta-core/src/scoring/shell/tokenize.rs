//! The tokeniser: quotes, escapes, operators, redirections, substitutions; and the split into
//! simple commands (segments).

use super::*;

#[derive(Debug, Clone, PartialEq)]
pub(super) enum Tok {
    Word(String),
    /// `|`
    Pipe,
    /// `;`, `&&`, `||`, `&`, newline, `(`, `)`, `` ` ``, `$(`, `<(`
    Sep,
    /// `>`, `>>`, `&>`, `>|`
    RedirOut,
    /// `<`, `<<`
    RedirIn,
    /// `<<<`: the next word is the command's standard input.
    HereString,
    /// `<(`: the command reads the output of the process substitution that follows.
    ProcSubIn,
    /// `$(` or `` ` `` where a command name belongs: the name is computed at run time. Carries
    /// the substitution's text (bounded).
    DynCmd(String),
}

/// Text of a substitution starting after `$(` (or after an opening backtick when `backtick`),
/// up to its closing `)` or backtick; bounded so a hostile string stays cheap.
pub(super) fn substitution_text(
    chars: &std::iter::Peekable<std::str::Chars<'_>>,
    backtick: bool,
) -> String {
    let mut out = String::new();
    let mut depth = 0usize;
    for c in chars.clone().take(4096) {
        if backtick {
            if c == '`' {
                break;
            }
        } else if c == '(' {
            depth += 1;
        } else if c == ')' {
            if depth == 0 {
                break;
            }
            depth -= 1;
        }
        out.push(c);
    }
    out
}

/// Splits `text` into tokens. The flag is `false` when [`MAX_TOKENS`] stopped it before the end.
pub(super) fn tokenize(text: &str) -> (Vec<Tok>, bool) {
    let mut complete = true;
    let mut toks = Vec::with_capacity(16);
    let mut word = String::new();
    let mut in_word = false;
    let mut in_backtick = false;
    let mut chars = text.chars().peekable();
    // Whether the next word would be a command name (start of text, after an operator).
    let at_command = |toks: &Vec<Tok>, in_word: bool| {
        !in_word
            && matches!(
                toks.last(),
                None | Some(Tok::Sep | Tok::Pipe | Tok::DynCmd(_) | Tok::ProcSubIn)
            )
    };
    macro_rules! flush {
        () => {
            if in_word {
                toks.push(Tok::Word(std::mem::take(&mut word)));
                in_word = false;
            }
        };
    }
    while let Some(c) = chars.next() {
        if toks.len() >= MAX_TOKENS {
            complete = false;
            break;
        }
        match c {
            '\'' => {
                in_word = true;
                for q in chars.by_ref() {
                    if q == '\'' {
                        break;
                    }
                    word.push(q);
                }
            }
            '"' => {
                in_word = true;
                while let Some(q) = chars.next() {
                    match q {
                        '"' => break,
                        '\\' => {
                            if let Some(n) = chars.next() {
                                word.push(n);
                            }
                        }
                        _ => word.push(q),
                    }
                }
            }
            '\\' => {
                in_word = true;
                if let Some(n) = chars.next()
                    && n != '\n'
                {
                    word.push(n);
                }
            }
            ' ' | '\t' | '\r' => flush!(),
            '`' => {
                let opening = !in_backtick;
                in_backtick = !in_backtick;
                if opening && at_command(&toks, in_word) {
                    let inner = substitution_text(&chars, true);
                    toks.push(Tok::DynCmd(inner));
                } else {
                    flush!();
                    toks.push(Tok::Sep);
                }
            }
            '\n' | ';' | '(' | ')' => {
                flush!();
                toks.push(Tok::Sep);
            }
            '|' => {
                flush!();
                if chars.peek() == Some(&'|') {
                    chars.next();
                    toks.push(Tok::Sep);
                } else {
                    toks.push(Tok::Pipe);
                }
            }
            '&' => {
                flush!();
                match chars.peek() {
                    Some('&') => {
                        chars.next();
                        toks.push(Tok::Sep);
                    }
                    Some('>') => {
                        chars.next();
                        if chars.peek() == Some(&'>') {
                            chars.next();
                        }
                        toks.push(Tok::RedirOut);
                    }
                    _ => toks.push(Tok::Sep),
                }
            }
            '>' => {
                // `2>` / `1>`: the fd number is part of the operator, not a word.
                if in_word && !word.is_empty() && word.bytes().all(|b| b.is_ascii_digit()) {
                    word.clear();
                    in_word = false;
                }
                flush!();
                if matches!(chars.peek(), Some('>') | Some('|')) {
                    chars.next();
                }
                if chars.peek() == Some(&'&') {
                    // `>&2` duplicates a descriptor; not a file write.
                    chars.next();
                    while chars
                        .peek()
                        .is_some_and(|c| c.is_ascii_digit() || *c == '-')
                    {
                        chars.next();
                    }
                    continue;
                }
                toks.push(Tok::RedirOut);
            }
            '<' => {
                flush!();
                match chars.peek() {
                    Some('(') => {
                        chars.next();
                        toks.push(Tok::ProcSubIn);
                    }
                    Some('<') => {
                        chars.next();
                        if chars.peek() == Some(&'<') {
                            chars.next();
                            toks.push(Tok::HereString);
                        } else {
                            toks.push(Tok::RedirIn);
                        }
                    }
                    _ => toks.push(Tok::RedirIn),
                }
            }
            '$' if chars.peek() == Some(&'(') => {
                let dynamic = at_command(&toks, in_word);
                flush!();
                chars.next();
                if dynamic && chars.peek() != Some(&'(') {
                    let inner = substitution_text(&chars, false);
                    toks.push(Tok::DynCmd(inner));
                } else {
                    toks.push(Tok::Sep);
                }
            }
            _ => {
                in_word = true;
                word.push(c);
            }
        }
    }
    if in_word {
        toks.push(Tok::Word(word));
    }
    (toks, complete)
}

/// One simple command: its words, whether its stdin comes from a pipe, and its output targets.
pub(super) struct Segment<'a> {
    pub(super) argv: Vec<&'a str>,
    pub(super) piped_in: bool,
    pub(super) writes_to: Vec<&'a str>,
    /// A here-string (`<<< 'text'`) given as standard input.
    pub(super) here_string: Option<&'a str>,
    /// The command reads a process substitution (`bash <(curl …)`).
    pub(super) reads_procsub: bool,
}

impl<'a> Segment<'a> {
    pub(super) fn new(piped_in: bool) -> Self {
        Segment {
            argv: Vec::new(),
            piped_in,
            writes_to: Vec::new(),
            here_string: None,
            reads_procsub: false,
        }
    }
}

pub(super) fn segments(toks: &[Tok]) -> Vec<Segment<'_>> {
    let mut out = Vec::with_capacity(4);
    let mut cur = Segment::new(false);
    let mut i = 0;
    while i < toks.len() {
        match &toks[i] {
            Tok::Word(w) => cur.argv.push(w.as_str()),
            Tok::RedirOut => {
                if let Some(Tok::Word(target)) = toks.get(i + 1) {
                    cur.writes_to.push(target.as_str());
                    i += 1;
                }
            }
            Tok::RedirIn => {
                // Skip the input file / heredoc delimiter.
                if matches!(toks.get(i + 1), Some(Tok::Word(_))) {
                    i += 1;
                }
            }
            Tok::HereString => {
                if let Some(Tok::Word(text)) = toks.get(i + 1) {
                    cur.here_string = Some(text.as_str());
                    i += 1;
                }
            }
            Tok::Pipe | Tok::Sep | Tok::DynCmd(_) | Tok::ProcSubIn => {
                let piped = matches!(toks[i], Tok::Pipe);
                if matches!(toks[i], Tok::ProcSubIn) {
                    cur.reads_procsub = true;
                }
                let done = std::mem::replace(&mut cur, Segment::new(piped));
                if !done.argv.is_empty() || !done.writes_to.is_empty() {
                    out.push(done);
                }
            }
        }
        i += 1;
    }
    if !cur.argv.is_empty() || !cur.writes_to.is_empty() {
        out.push(cur);
    }
    out
}
