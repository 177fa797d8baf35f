//! MCP stdio framing: one JSON-RPC message per line, no Content-Length headers.
//!
//! [`LineFramer`] is a `LinesCodec`-like decoder with two differences that matter for a proxy:
//! it yields the raw bytes of each line (newline included) so a message we do not change is
//! forwarded byte-for-byte, and a line over the limit becomes an [`Frame::Oversize`] item instead
//! of a stream error, because a framed stream stops after its first error and one huge message
//! must not end the session.

use bytes::{Buf, Bytes, BytesMut};
use tokio_util::codec::Decoder;

/// Default maximum length of one message line: 16 MiB.
pub const DEFAULT_MAX_LINE_BYTES: usize = 16 * 1024 * 1024;

/// One decoded unit of the stream.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Frame {
    /// A complete line, terminated by `\n` (a final unterminated line gets one appended).
    Line(Bytes),
    /// A line longer than the limit; its bytes were discarded as they arrived.
    Oversize { length: usize },
}

impl Frame {
    /// The message text without its line terminator (`\n` or `\r\n`).
    pub fn payload(line: &[u8]) -> &[u8] {
        let line = line.strip_suffix(b"\n").unwrap_or(line);
        line.strip_suffix(b"\r").unwrap_or(line)
    }
}

/// Splits a byte stream into lines of at most `max_line_bytes` (terminator excluded).
#[derive(Debug, Clone)]
pub struct LineFramer {
    max_line_bytes: usize,
    /// Where to resume the newline search, so a long line arriving in pieces is scanned once.
    scanned: usize,
    /// Bytes of an oversize line discarded so far, while we skip to its end.
    discarding: Option<usize>,
}

impl LineFramer {
    pub fn new(max_line_bytes: usize) -> Self {
        LineFramer { max_line_bytes: max_line_bytes.max(1), scanned: 0, discarding: None }
    }

    pub fn max_line_bytes(&self) -> usize {
        self.max_line_bytes
    }
}

impl Default for LineFramer {
    fn default() -> Self {
        LineFramer::new(DEFAULT_MAX_LINE_BYTES)
    }
}

impl Decoder for LineFramer {
    type Item = Frame;
    type Error = std::io::Error;

    fn decode(&mut self, buf: &mut BytesMut) -> Result<Option<Frame>, std::io::Error> {
        if let Some(discarded) = self.discarding {
            return Ok(match memchr(&buf[..]) {
                Some(pos) => {
                    buf.advance(pos + 1);
                    self.discarding = None;
                    Some(Frame::Oversize { length: discarded + pos })
                }
                None => {
                    self.discarding = Some(discarded + buf.len());
                    buf.clear();
                    None
                }
            });
        }
        match memchr(&buf[self.scanned..]).map(|p| p + self.scanned) {
            Some(pos) => {
                self.scanned = 0;
                let content = Frame::payload(&buf[..=pos]).len();
                if content > self.max_line_bytes {
                    buf.advance(pos + 1);
                    return Ok(Some(Frame::Oversize { length: content }));
                }
                Ok(Some(Frame::Line(buf.split_to(pos + 1).freeze())))
            }
            None if buf.len() > self.max_line_bytes + 1 => {
                // Over the limit with no end in sight: stop buffering and skip to the newline.
                self.scanned = 0;
                self.discarding = Some(buf.len());
                buf.clear();
                Ok(None)
            }
            None => {
                self.scanned = buf.len();
                Ok(None)
            }
        }
    }

    fn decode_eof(&mut self, buf: &mut BytesMut) -> Result<Option<Frame>, std::io::Error> {
        if let Some(frame) = self.decode(buf)? {
            return Ok(Some(frame));
        }
        self.scanned = 0;
        if let Some(discarded) = self.discarding.take() {
            return Ok(Some(Frame::Oversize { length: discarded }));
        }
        if buf.is_empty() {
            return Ok(None);
        }
        let content = Frame::payload(&buf[..]).len();
        if content > self.max_line_bytes {
            buf.clear();
            return Ok(Some(Frame::Oversize { length: content }));
        }
        // A last message without its newline still counts; give it one so writers stay uniform.
        let mut line = buf.split();
        line.extend_from_slice(b"\n");
        Ok(Some(Frame::Line(line.freeze())))
    }
}

fn memchr(haystack: &[u8]) -> Option<usize> {
    haystack.iter().position(|&b| b == b'\n')
}

#[cfg(test)]
mod tests {
    use super::*;

    fn decode_all(framer: &mut LineFramer, chunks: &[&[u8]]) -> Vec<Frame> {
        let mut buf = BytesMut::new();
        let mut out = Vec::new();
        for chunk in chunks {
            buf.extend_from_slice(chunk);
            while let Some(frame) = framer.decode(&mut buf).unwrap() {
                out.push(frame);
            }
        }
        while let Some(frame) = framer.decode_eof(&mut buf).unwrap() {
            out.push(frame);
        }
        out
    }

    #[test]
    fn lines_keep_their_exact_bytes() {
        let mut f = LineFramer::new(100);
        let frames = decode_all(&mut f, &[b"{\"a\":1}\r\n{\"b\"", b":2}\n", b"{\"c\":3}"]);
        assert_eq!(
            frames,
            vec![
                Frame::Line(Bytes::from_static(b"{\"a\":1}\r\n")),
                Frame::Line(Bytes::from_static(b"{\"b\":2}\n")),
                Frame::Line(Bytes::from_static(b"{\"c\":3}\n")),
            ]
        );
        assert_eq!(Frame::payload(b"{}\r\n"), b"{}");
    }

    #[test]
    fn oversize_lines_are_skipped_and_the_stream_continues() {
        let mut f = LineFramer::new(8);
        let long = [b'x'; 30];
        let frames = decode_all(&mut f, &[&long[..10], &long[10..], b"\n{\"ok\":1}\n", b"123456789\n", b"12345678\n"]);
        assert_eq!(
            frames,
            vec![
                Frame::Oversize { length: 30 },
                Frame::Line(Bytes::from_static(b"{\"ok\":1}\n")),
                Frame::Oversize { length: 9 },
                Frame::Line(Bytes::from_static(b"12345678\n")),
            ]
        );
    }

    #[test]
    fn oversize_tail_without_newline_is_reported_at_eof() {
        let mut f = LineFramer::new(4);
        assert_eq!(decode_all(&mut f, &[b"abcdefghij"]), vec![Frame::Oversize { length: 10 }]);
    }
}
