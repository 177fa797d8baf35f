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

/// A child process whose controlling terminal is a pseudo-terminal (stdin, stdout and stderr
/// stay pipes), like an agent running its hooks from a terminal session. Everything the child
/// writes to the terminal is collected.
pub struct Terminal {
    pub child: std::process::Child,
    master: std::fs::File,
    output: std::sync::Arc<std::sync::Mutex<Vec<u8>>>,
}

impl Terminal {
    /// Starts `cmd` on a new pseudo-terminal and writes `input` to its stdin.
    #[allow(unsafe_code)]
    pub fn spawn(mut cmd: std::process::Command, input: &str) -> Self {
        use std::io::{Read, Write};
        use std::os::fd::{AsRawFd, OwnedFd};
        use std::os::unix::process::CommandExt;
        use std::process::Stdio;
        let pty = nix::pty::openpty(None, None).expect("openpty");
        let slave: OwnedFd = pty.slave;
        let slave_fd = slave.as_raw_fd();
        // SAFETY: only async-signal-safe calls (setsid, ioctl) between fork and exec.
        unsafe {
            cmd.pre_exec(move || {
                nix::unistd::setsid().map_err(std::io::Error::from)?;
                if nix::libc::ioctl(slave_fd, nix::libc::TIOCSCTTY as _, 0) != 0 {
                    return Err(std::io::Error::last_os_error());
                }
                Ok(())
            });
        }
        let mut child = cmd
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("spawn");
        drop(slave);
        child.stdin.take().expect("stdin").write_all(input.as_bytes()).expect("stdin");
        let master = std::fs::File::from(pty.master);
        let output = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
        let mut reader = master.try_clone().expect("clone pty");
        let sink = std::sync::Arc::clone(&output);
        std::thread::spawn(move || {
            let mut buf = [0u8; 4096];
            while let Ok(n) = reader.read(&mut buf) {
                if n == 0 {
                    break;
                }
                sink.lock().unwrap().extend_from_slice(&buf[..n]);
            }
        });
        Terminal { child, master, output }
    }

    /// What the child has written to the terminal so far.
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.output.lock().unwrap()).into_owned()
    }

    /// Waits (at most a minute) until `needle` has appeared `count` times on the terminal.
    pub fn wait_for_count(&self, needle: &str, count: usize) {
        let start = std::time::Instant::now();
        while self.text().matches(needle).count() < count {
            assert!(
                start.elapsed() < std::time::Duration::from_secs(60),
                "{needle:?} #{count} never appeared on the terminal:\n{}",
                self.text()
            );
            std::thread::sleep(std::time::Duration::from_millis(20));
        }
    }

    /// Types one line at the terminal.
    pub fn type_line(&mut self, line: &str) {
        use std::io::Write;
        self.master.write_all(format!("{line}\n").as_bytes()).expect("write to pty");
    }

    /// Waits for the child and returns its output and everything the terminal showed.
    pub fn finish(self) -> (Output, String) {
        let output = self.child.wait_with_output().expect("wait");
        // The reader thread may still be draining the last bytes.
        std::thread::sleep(std::time::Duration::from_millis(50));
        let screen = String::from_utf8_lossy(&self.output.lock().unwrap()).into_owned();
        (output, screen)
    }
}
