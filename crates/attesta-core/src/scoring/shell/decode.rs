//! Pipelines that print, decode and run text (`echo … | base64 -d | sh`).

use super::*;

/// Interprets printf escapes (`\x72`, `\162`, `\n`) in a literal.
pub(super) fn printf_unescape(fmt: &str) -> String {
    let mut out = String::with_capacity(fmt.len());
    let mut chars = fmt.chars().peekable();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.next() {
            Some('n') => out.push('\n'),
            Some('t') => out.push('\t'),
            Some('x') => {
                let mut v = 0u32;
                let mut n = 0;
                while n < 2 && chars.peek().is_some_and(char::is_ascii_hexdigit) {
                    v = v * 16 + chars.next().and_then(|d| d.to_digit(16)).unwrap_or(0);
                    n += 1;
                }
                out.extend(char::from_u32(v));
            }
            Some(d @ '0'..='7') => {
                let mut v = d.to_digit(8).unwrap_or(0);
                let mut n = 1;
                while n < 3 && chars.peek().is_some_and(|c| ('0'..='7').contains(c)) {
                    v = v * 8 + chars.next().and_then(|d| d.to_digit(8)).unwrap_or(0);
                    n += 1;
                }
                out.extend(char::from_u32(v));
            }
            Some(other) => out.push(other),
            None => out.push('\\'),
        }
    }
    out
}

pub(super) fn base64_decode(text: &str) -> Option<String> {
    let mut bits = 0u32;
    let mut nbits = 0u32;
    let mut out = Vec::with_capacity(text.len() * 3 / 4);
    for b in text.bytes() {
        let v = match b {
            b'A'..=b'Z' => b - b'A',
            b'a'..=b'z' => b - b'a' + 26,
            b'0'..=b'9' => b - b'0' + 52,
            b'+' | b'-' => 62,
            b'/' | b'_' => 63,
            b'=' | b' ' | b'\n' | b'\r' | b'\t' => continue,
            _ => return None,
        };
        bits = (bits << 6) | u32::from(v);
        nbits += 6;
        if nbits >= 8 {
            nbits -= 8;
            out.push((bits >> nbits) as u8);
            bits &= (1 << nbits) - 1;
        }
    }
    String::from_utf8(out).ok()
}

pub(super) fn hex_decode(text: &str) -> Option<String> {
    let digits: Vec<u8> = text.bytes().filter(|b| !b.is_ascii_whitespace()).collect();
    if !digits.len().is_multiple_of(2) {
        return None;
    }
    let mut out = Vec::with_capacity(digits.len() / 2);
    for pair in digits.chunks(2) {
        let hi = (pair[0] as char).to_digit(16)?;
        let lo = (pair[1] as char).to_digit(16)?;
        out.push((hi * 16 + lo) as u8);
    }
    String::from_utf8(out).ok()
}

/// Pipelines that print a literal, optionally decode it (`base64 -d`, `xxd -r -p`, `rev`), and
/// run it (`| sh`) or produce a command name: the text that would run is analysed as a command,
/// and running decoded text is itself high risk.
pub(super) fn decoded_pipelines(
    segs: &[Segment<'_>],
    findings: &mut Findings,
    depth: usize,
) -> CommandClass {
    let mut worst = CommandClass::ReadOnly;
    let mut i = 0;
    while i < segs.len() {
        let mut end = i + 1;
        while end < segs.len() && segs[end].piped_in {
            end += 1;
        }
        let pipeline = &segs[i..end];
        i = end;
        let Some(first) = pipeline[0].argv.first() else {
            continue;
        };
        let args = &pipeline[0].argv[1..];
        let mut text = match basename(first) {
            "echo" => args
                .iter()
                .skip_while(|a| matches!(**a, "-n" | "-e" | "-ne" | "-en" | "-E"))
                .copied()
                .collect::<Vec<_>>()
                .join(" "),
            "printf" => {
                let fmt = args.first().copied().unwrap_or("");
                if fmt == "%s" || fmt == "%s\\n" {
                    args.get(1..).unwrap_or(&[]).join("")
                } else {
                    printf_unescape(fmt)
                }
            }
            _ => match pipeline[0].here_string {
                Some(h) if matches!(basename(first), "cat" | "base64" | "xxd" | "rev") => {
                    h.to_owned()
                }
                _ => continue,
            },
        };
        let mut decoded = false;
        let mut runner = false;
        let start = usize::from(pipeline[0].here_string.is_none() || basename(first) == "cat");
        for seg in &pipeline[start..] {
            let Some(cmd) = seg.argv.first().map(|c| basename(c)) else {
                break;
            };
            let a = &seg.argv[1..];
            let next = match cmd {
                "base64" if has_flag(a, Some('d'), &["--decode", "-D"]) => base64_decode(&text),
                "openssl" if a.contains(&"-d") || a.contains(&"base64") => base64_decode(&text),
                "xxd" if has_flag(a, Some('r'), &[]) => hex_decode(&text),
                "rev" => Some(
                    text.lines()
                        .map(|l| l.chars().rev().collect::<String>())
                        .collect::<Vec<_>>()
                        .join("\n"),
                ),
                "tr" | "cat" => Some(text.clone()),
                c if is_stdin_runner(c) => {
                    runner = true;
                    break;
                }
                _ => None,
            };
            match next {
                Some(t) => {
                    decoded |= !matches!(cmd, "tr" | "cat");
                    text = t;
                }
                None => break,
            }
        }
        if !(decoded || runner) || text.trim().is_empty() {
            continue;
        }
        if decoded && runner {
            findings.push(Signal::new(
                0.8,
                "shell",
                format!("decodes text and runs it: {}", snippet(&text, 60)),
            ));
        }
        worst = worst.max(if depth < MAX_NESTING {
            analyze_nested(&text, findings, depth + 1)
        } else {
            too_deep(&text, findings)
        });
        if runner {
            worst = CommandClass::Other;
        }
    }
    worst
}
