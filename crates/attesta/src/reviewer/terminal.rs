//! The terminal reviewer: talks to the controlling terminal (`/dev/tty`), so it works when stdin
//! and stdout are pipes (an MCP proxy, a coding-agent hook). Reading is done on a helper thread
//! that polls the terminal with a short timeout and stops when the review future is dropped.

use std::fs::{File, OpenOptions};
use std::io::{Read, Write};
use std::os::fd::AsFd;
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant};

use attesta_core::challenge::{PublicChallenge, TeachBackValidator};
use futures::future::BoxFuture;
use nix::errno::Errno;
use nix::poll::{PollFd, PollFlags, poll};
use nix::sys::termios::{FlushArg, tcflush};

use super::render::{ApproverSlot, Style, render_challenge};
use super::runner::{ChallengeRunner, LineAsk, NoticeKind, Prompter, SystemClock};
use super::{ReviewOutcome, ReviewRequest, Reviewer, ReviewerError};

/// How often the reader wakes to check for cancellation and redraw the countdown.
const POLL_INTERVAL_MS: u16 = 100;
/// Longest line accepted from the terminal; the rest is discarded.
const MAX_LINE: usize = 16 * 1024;

/// When to use colours.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ColorChoice {
    /// Colours when `NO_COLOR` is unset and `TERM` is set and not `dumb`.
    #[default]
    Auto,
    Always,
    Never,
}

impl ColorChoice {
    fn resolve(self) -> bool {
        match self {
            ColorChoice::Always => true,
            ColorChoice::Never => false,
            ColorChoice::Auto => {
                let no_color = std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty());
                let term_ok = std::env::var("TERM").is_ok_and(|t| !t.is_empty() && t != "dumb");
                !no_color && term_ok
            }
        }
    }
}

/// Asks the human at the controlling terminal. Identities are self-declared (`authenticated`
/// is false and the challenge details say `identity: self-declared`).
#[derive(Debug, Clone)]
pub struct TerminalReviewer {
    runner: ChallengeRunner,
    tty_path: PathBuf,
    color: ColorChoice,
    operator: Option<String>,
}

impl Default for TerminalReviewer {
    fn default() -> Self {
        Self::new()
    }
}

impl TerminalReviewer {
    pub fn new() -> Self {
        TerminalReviewer {
            runner: ChallengeRunner::new(),
            tty_path: PathBuf::from("/dev/tty"),
            color: ColorChoice::Auto,
            operator: None,
        }
    }

    /// Uses another terminal device (tests, a dedicated console).
    pub fn with_tty_path(mut self, path: impl Into<PathBuf>) -> Self {
        self.tty_path = path.into();
        self
    }

    pub fn with_color(mut self, color: ColorChoice) -> Self {
        self.color = color;
        self
    }

    pub fn with_validator(mut self, validator: Arc<dyn TeachBackValidator>) -> Self {
        self.runner = self.runner.with_validator(validator);
        self
    }

    /// The (self-declared) identity recorded for single challenges; default `$USER`.
    pub fn with_operator(mut self, operator: impl Into<String>) -> Self {
        self.operator = Some(operator.into());
        self
    }

    /// Whether a terminal can be opened right now.
    pub fn is_available(&self) -> bool {
        open_tty(&self.tty_path).is_ok()
    }
}

fn open_tty(path: &std::path::Path) -> Result<File, ReviewerError> {
    OpenOptions::new().read(true).write(true).open(path).map_err(|e| {
        ReviewerError::Unavailable(format!(
            "cannot open the terminal {} ({e}); run attesta in a terminal, or configure `reviewer: server` \
             with `server.url`",
            path.display()
        ))
    })
}

impl Reviewer for TerminalReviewer {
    fn name(&self) -> &str {
        "terminal"
    }

    fn review<'a>(
        &'a self,
        request: &'a ReviewRequest,
    ) -> BoxFuture<'a, Result<ReviewOutcome, ReviewerError>> {
        Box::pin(async move {
            let file = open_tty(&self.tty_path)?;
            let operator = self
                .operator
                .clone()
                .or_else(|| std::env::var("USER").ok().filter(|u| !u.trim().is_empty()))
                .or_else(|| {
                    std::env::var("LOGNAME")
                        .ok()
                        .filter(|u| !u.trim().is_empty())
                });
            let mut prompter = TtyPrompter {
                io: Arc::new(Mutex::new(TtyIo {
                    file,
                    pending: Vec::new(),
                })),
                style: Style {
                    color: self.color.resolve(),
                },
                operator,
            };
            self.runner
                .run(request, &mut prompter, &SystemClock::new())
                .await
        })
    }
}

struct TtyIo {
    file: File,
    pending: Vec<u8>,
}

/// A read request moved onto the reader thread.
struct OwnedAsk {
    question: Option<String>,
    prompt: String,
    unlocks_in: f64,
    deadline: Option<f64>,
}

impl TtyIo {
    fn write(&mut self, text: &str) -> Result<(), ReviewerError> {
        self.file.write_all(text.as_bytes())?;
        self.file.flush()?;
        Ok(())
    }

    fn take_line(&mut self) -> Option<String> {
        let end = self.pending.iter().position(|b| *b == b'\n')?;
        let line: Vec<u8> = self.pending.drain(..=end).collect();
        let text = String::from_utf8_lossy(&line[..line.len() - 1]);
        Some(text.trim_end_matches('\r').to_owned())
    }

    fn status(
        &mut self,
        style: Style,
        status: Option<&str>,
        prompt: &str,
    ) -> Result<(), ReviewerError> {
        let clear = if style.color { "\r\x1b[2K" } else { "\r" };
        let line = match status {
            Some(s) => format!("{clear}{} {prompt}", style.dim(&format!("[{s}]"))),
            None => format!("{clear}{prompt}"),
        };
        self.write(&line)
    }

    /// Blocks until a full line, end of input, cancellation or the deadline.
    fn read_line(
        &mut self,
        ask: &OwnedAsk,
        style: Style,
        cancel: &AtomicBool,
    ) -> Result<Option<String>, ReviewerError> {
        if let Some(q) = &ask.question {
            self.write(&format!("\n{q}"))?;
        }
        let start = Instant::now();
        let unlock_at = start + Duration::from_secs_f64(ask.unlocks_in.clamp(0.0, 1e9));
        let deadline_at = ask
            .deadline
            .map(|d| start + Duration::from_secs_f64(d.clamp(0.0, 1e9)));
        let counting = ask.unlocks_in > 0.0;
        let mut shown: Option<u64> = None;
        if !counting {
            self.status(style, None, &ask.prompt)?;
        }
        loop {
            if let Some(line) = self.take_line() {
                return Ok(Some(line));
            }
            if cancel.load(Ordering::SeqCst) {
                return Err(ReviewerError::Cancelled("the review was cancelled".into()));
            }
            let now = Instant::now();
            if deadline_at.is_some_and(|d| now >= d) {
                self.write("\n")?;
                return Err(ReviewerError::Cancelled(
                    "no answer before the review timeout".into(),
                ));
            }
            if counting {
                let remaining = unlock_at
                    .saturating_duration_since(now)
                    .as_secs_f64()
                    .ceil() as u64;
                if shown != Some(remaining) {
                    shown = Some(remaining);
                    if remaining > 0 {
                        self.status(
                            style,
                            Some(&format!("review: answers accepted in {remaining}s")),
                            &ask.prompt,
                        )?;
                    } else {
                        self.status(style, Some("you may answer now"), &ask.prompt)?;
                    }
                }
            }
            let ready = {
                let mut fds = [PollFd::new(self.file.as_fd(), PollFlags::POLLIN)];
                match poll(&mut fds, POLL_INTERVAL_MS) {
                    Ok(0) | Err(Errno::EINTR) => None,
                    Ok(_) => fds[0].revents(),
                    Err(e) => return Err(ReviewerError::Io(e.into())),
                }
            };
            let Some(flags) = ready else { continue };
            if flags.contains(PollFlags::POLLIN) {
                let mut buf = [0u8; 4096];
                match self.file.read(&mut buf) {
                    Ok(0) => return Ok(None),
                    Ok(n) => {
                        self.pending.extend_from_slice(&buf[..n]);
                        if self.pending.len() > MAX_LINE && !self.pending.contains(&b'\n') {
                            self.pending.clear();
                        }
                    }
                    Err(e)
                        if e.kind() == std::io::ErrorKind::Interrupted
                            || e.kind() == std::io::ErrorKind::WouldBlock => {}
                    Err(e) => return Err(e.into()),
                }
            } else if flags
                .intersects(PollFlags::POLLHUP | PollFlags::POLLERR | PollFlags::POLLNVAL)
            {
                return Ok(None);
            }
        }
    }
}

/// Sets the reader thread's cancel flag when the waiting future is dropped.
struct CancelOnDrop(Arc<AtomicBool>);

impl Drop for CancelOnDrop {
    fn drop(&mut self) {
        self.0.store(true, Ordering::SeqCst);
    }
}

struct TtyPrompter {
    io: Arc<Mutex<TtyIo>>,
    style: Style,
    operator: Option<String>,
}

fn lock(io: &Mutex<TtyIo>) -> MutexGuard<'_, TtyIo> {
    // A reader thread that panicked leaves plain bytes behind; the terminal is still usable.
    io.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
}

impl TtyPrompter {
    fn read(&self, ask: OwnedAsk) -> BoxFuture<'static, Result<Option<String>, ReviewerError>> {
        let io = Arc::clone(&self.io);
        let style = self.style;
        let cancel = Arc::new(AtomicBool::new(false));
        let guard = CancelOnDrop(Arc::clone(&cancel));
        let (tx, rx) = futures::channel::oneshot::channel();
        let spawned = std::thread::Builder::new()
            .name("attesta-tty".into())
            .spawn(move || {
                let result = lock(&io).read_line(&ask, style, &cancel);
                let _ = tx.send(result);
            });
        Box::pin(async move {
            let _guard = guard;
            spawned.map_err(|e| {
                ReviewerError::Failed(format!("cannot start the terminal reader: {e}"))
            })?;
            rx.await.map_err(|_| {
                ReviewerError::Failed("the terminal reader stopped unexpectedly".into())
            })?
        })
    }
}

impl Prompter for TtyPrompter {
    fn present<'a>(
        &'a mut self,
        challenge: &'a PublicChallenge,
        slot: Option<ApproverSlot>,
    ) -> BoxFuture<'a, Result<(), ReviewerError>> {
        let text = render_challenge(challenge, slot, self.style);
        Box::pin(async move {
            let mut io = lock(&self.io);
            // Whatever was typed before the action was shown cannot be an answer to it.
            let _ = tcflush(io.file.as_fd(), FlushArg::TCIFLUSH);
            io.pending.clear();
            io.write(&text)
        })
    }

    fn notice<'a>(
        &'a mut self,
        kind: NoticeKind,
        text: &'a str,
    ) -> BoxFuture<'a, Result<(), ReviewerError>> {
        let styled = match kind {
            NoticeKind::Info => text.to_owned(),
            NoticeKind::Rejected => self.style.paint("33", text),
            NoticeKind::Outcome if text.starts_with("APPROVED") => self.style.paint("1;32", text),
            NoticeKind::Outcome => self.style.paint("1;31", text),
        };
        Box::pin(async move { lock(&self.io).write(&format!("\n{styled}\n")) })
    }

    fn ask_line<'a>(
        &'a mut self,
        ask: LineAsk<'a>,
    ) -> BoxFuture<'a, Result<Option<String>, ReviewerError>> {
        self.read(OwnedAsk {
            question: ask.question.map(str::to_owned),
            prompt: ask.prompt.to_owned(),
            unlocks_in: ask.unlocks_in,
            deadline: ask.deadline,
        })
    }

    fn ask_identity<'a>(
        &'a mut self,
        slot: ApproverSlot,
    ) -> BoxFuture<'a, Result<Option<String>, ReviewerError>> {
        self.read(OwnedAsk {
            question: Some(format!(
                "Approver {} of {}: each approver must be a different person.\n",
                slot.index + 1,
                slot.required
            )),
            prompt: "Your name: ".to_owned(),
            unlocks_in: 0.0,
            deadline: None,
        })
    }

    fn operator(&self) -> Option<String> {
        self.operator.clone()
    }
}
