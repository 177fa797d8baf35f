//! Terminal styling: colour only on a TTY and never when NO_COLOR is set.

use std::io::IsTerminal;

use attesta_core::{RiskLevel, Verdict};

#[derive(Debug, Clone, Copy)]
pub struct Style {
    pub color: bool,
}

impl Style {
    pub fn for_stdout() -> Self {
        Style { color: std::io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty()) }
    }

    pub fn for_stderr() -> Self {
        Style { color: std::io::stderr().is_terminal() && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty()) }
    }

    pub fn paint(&self, code: &str, text: &str) -> String {
        if self.color { format!("\x1b[{code}m{text}\x1b[0m") } else { text.to_owned() }
    }

    pub fn bold(&self, text: &str) -> String {
        self.paint("1", text)
    }

    pub fn dim(&self, text: &str) -> String {
        self.paint("2", text)
    }

    pub fn level(&self, level: RiskLevel) -> String {
        let code = match level {
            RiskLevel::Low => "32",
            RiskLevel::Medium => "33",
            RiskLevel::High => "31",
            RiskLevel::Critical => "1;91",
        };
        self.paint(code, &level.as_str().to_uppercase())
    }

    pub fn verdict(&self, verdict: Verdict) -> String {
        let code = if verdict.runs() { "1;32" } else { "1;31" };
        self.paint(code, &verdict.as_str().to_uppercase())
    }

    pub fn good(&self, text: &str) -> String {
        self.paint("1;32", text)
    }

    pub fn bad(&self, text: &str) -> String {
        self.paint("1;31", text)
    }
}

/// A text bar for small charts: `width` cells filled in proportion to `value / max`.
pub fn bar(value: f64, max: f64, width: usize) -> String {
    if max <= 0.0 || !value.is_finite() {
        return String::new();
    }
    let filled = ((value / max) * width as f64).round().clamp(0.0, width as f64) as usize;
    "█".repeat(filled)
}
