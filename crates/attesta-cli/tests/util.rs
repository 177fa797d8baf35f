//! A small harness that runs the real `attesta` binary in a temp directory.

#![allow(dead_code, clippy::new_without_default)]

use std::path::{Path, PathBuf};
use std::process::Output;

use assert_cmd::Command;

pub struct Project {
    pub dir: tempfile::TempDir,
}

impl Project {
    pub fn new() -> Self {
        Project { dir: tempfile::tempdir().expect("temp dir") }
    }

    pub fn path(&self) -> &Path {
        self.dir.path()
    }

    pub fn file(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    pub fn write(&self, name: &str, text: &str) -> PathBuf {
        let path = self.file(name);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).expect("mkdir");
        }
        std::fs::write(&path, text).expect("write");
        path
    }

    pub fn read(&self, name: &str) -> String {
        std::fs::read_to_string(self.file(name)).expect("read")
    }

    /// `attesta ARGS` in the project directory, with no terminal, no colour and a clean
    /// environment for the variables Attesta reads.
    pub fn cmd(&self, args: &[&str]) -> Command {
        let mut cmd = Command::cargo_bin("attesta").expect("binary");
        cmd.current_dir(self.path()).args(args).env("NO_COLOR", "1").env("ATTESTA_ENV", "development");
        for var in ["ATTESTA_CONFIG", "ATTESTA_LOG", "CI", "GITHUB_ACTIONS", "NODE_ENV", "RAILS_ENV"] {
            cmd.env_remove(var);
        }
        cmd
    }

    pub fn run(&self, args: &[&str], stdin: &str) -> Run {
        let output = self.cmd(args).write_stdin(stdin.to_owned()).output().expect("run attesta");
        Run::from(output)
    }
}

#[derive(Debug)]
pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

impl From<Output> for Run {
    fn from(output: Output) -> Self {
        Run {
            code: output.status.code().unwrap_or(-1),
            stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
        }
    }
}

impl Run {
    /// Exit code, stdout and stderr in one text, for snapshots.
    pub fn transcript(&self) -> String {
        format!("exit: {}\n--- stdout\n{}--- stderr\n{}", self.code, self.stdout, self.stderr)
    }
}

/// Filters for snapshot stability: ids, hashes, times, temp paths, durations.
pub fn settings(project: &Project) -> insta::Settings {
    let mut settings = insta::Settings::clone_current();
    settings.add_filter(&regex_escape(&project.path().display().to_string()), "[DIR]");
    settings.add_filter(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}", "[UUID]");
    settings.add_filter(r"\b[0-9a-f]{64}\b", "[HASH]");
    settings.add_filter(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z", "[TIME]");
    settings.add_filter(r#""review_seconds":[0-9.e-]+"#, r#""review_seconds":[SECS]"#);
    settings.add_filter(r"attesta \d+\.\d+\.\d+", "attesta [VERSION]");
    settings
}

fn regex_escape(text: &str) -> String {
    let mut out = String::new();
    for c in text.chars() {
        if "\\.+*?()|[]{}^$".contains(c) {
            out.push('\\');
        }
        out.push(c);
    }
    out
}
