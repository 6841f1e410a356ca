//! Blueprint errors with their location, collected so that one run reports every
//! problem in a file, and rendered with the offending line.

use std::fmt::Write as _;
use std::ops::Range;

use annotate_snippets::{Level, Renderer, Snippet};

/// A blueprint file's path and text, kept so errors can quote the source.
#[derive(Clone, Debug)]
pub struct Source {
    pub path: String,
    pub text: String,
}

impl Source {
    /// Returns the 1-based line and column of a byte offset.
    pub fn line_column(&self, offset: usize) -> (usize, usize) {
        let offset = offset.min(self.text.len());
        let before = &self.text[..offset];
        let line = before.matches('\n').count() + 1;
        let line_start = before.rfind('\n').map_or(0, |i| i + 1);
        let column = before[line_start..].chars().count() + 1;
        (line, column)
    }

    /// Formats `path:line:column` for a byte offset.
    pub fn location(&self, offset: usize) -> String {
        let (line, column) = self.line_column(offset);
        format!("{}:{line}:{column}", self.path)
    }
}

/// One problem found in a blueprint.
#[derive(Clone, Debug, PartialEq)]
pub struct Diagnostic {
    /// What is wrong, starting with the address and field when there is one.
    pub message: String,
    /// The bytes of the source the problem is about.
    pub span: Option<Range<usize>>,
    /// How to fix it.
    pub hint: Option<String>,
}

impl Diagnostic {
    pub fn new(message: impl Into<String>, span: Option<Range<usize>>) -> Self {
        Diagnostic {
            message: message.into(),
            span,
            hint: None,
        }
    }

    pub fn with_hint(mut self, hint: impl Into<String>) -> Self {
        self.hint = Some(hint.into());
        self
    }
}

/// Every problem found in one blueprint, in source order once sorted.
#[derive(Debug, Default)]
pub struct Diagnostics {
    items: Vec<Diagnostic>,
    /// Spans of values that may be secrets. Rendering masks them wherever they
    /// appear in a quoted source line, whatever the error on that line is.
    secret_spans: Vec<Range<usize>>,
}

impl Diagnostics {
    pub fn push(&mut self, diagnostic: Diagnostic) {
        self.items.push(diagnostic);
    }

    pub fn error(&mut self, span: &Range<usize>, message: impl Into<String>, hint: impl Into<String>) {
        self.push(Diagnostic::new(message, Some(span.clone())).with_hint(hint));
    }

    /// Keeps only the problems `keep` accepts.
    pub fn retain(&mut self, keep: impl FnMut(&Diagnostic) -> bool) {
        self.items.retain(keep);
    }

    /// Records a value that must never be quoted.
    pub fn mask(&mut self, span: Range<usize>) {
        self.secret_spans.push(span);
    }

    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }

    pub fn len(&self) -> usize {
        self.items.len()
    }

    pub fn items(&self) -> &[Diagnostic] {
        &self.items
    }

    /// Orders the problems by position in the file, keeping those without a
    /// position first, and drops exact repeats.
    pub fn sort(&mut self) {
        self.items.sort_by_key(|d| d.span.as_ref().map(|s| s.start));
        self.items.dedup();
    }

    /// Renders every problem with its `file:line:column`, the source line and a
    /// `hint:` footer.
    pub fn render(&self, source: &Source, color: bool) -> String {
        let renderer = if color { Renderer::styled() } else { Renderer::plain() };
        let masked = self.masked(&source.text);
        let mut out = String::new();
        for diagnostic in &self.items {
            let title = match &diagnostic.span {
                Some(span) => format!("{} ({})", diagnostic.message, source.location(span.start)),
                None => format!("{} ({})", diagnostic.message, source.path),
            };
            let mut message = Level::Error.title(&title);
            if let Some(span) = &diagnostic.span {
                let span = clamp(span, &masked);
                message = message.snippet(
                    Snippet::source(&masked)
                        .origin(&source.path)
                        .fold(true)
                        .annotation(Level::Error.span(span)),
                );
            }
            let _ = writeln!(out, "{}", renderer.render(message));
            if let Some(hint) = &diagnostic.hint {
                let _ = writeln!(out, "hint: {hint}");
            }
            out.push('\n');
        }
        let count = self.items.len();
        let noun = if count == 1 { "error" } else { "errors" };
        let _ = writeln!(out, "{count} {noun} in {}; nothing was changed.", source.path);
        out
    }
}

impl Diagnostics {
    /// The source as errors quote it: every secret value replaced by `*`, and
    /// tabs and carriage returns by spaces, so carets line up under the text.
    /// Each replacement keeps the byte length, so every span still fits.
    fn masked(&self, text: &str) -> String {
        let mut masked = String::with_capacity(text.len());
        for (offset, c) in text.char_indices() {
            let secret = self.secret_spans.iter().any(|s| s.contains(&offset)) && !c.is_whitespace();
            if secret {
                masked.extend(std::iter::repeat_n('*', c.len_utf8()));
            } else if c == '\t' || c == '\r' {
                masked.push(' ');
            } else {
                masked.push(c);
            }
        }
        masked
    }
}

/// Keeps a span inside the text and on character boundaries, and at least one
/// character wide so the marker is visible.
fn clamp(span: &Range<usize>, text: &str) -> Range<usize> {
    let mut start = span.start.min(text.len());
    while !text.is_char_boundary(start) {
        start -= 1;
    }
    let mut end = span.end.clamp(start, text.len());
    while !text.is_char_boundary(end) {
        end += 1;
    }
    if end == start && end < text.len() {
        end += text[start..].chars().next().map_or(0, char::len_utf8);
    }
    start..end
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_column_counts_from_one() {
        let source = Source {
            path: "b.toml".into(),
            text: "a = 1\nbc = 2\n".into(),
        };
        assert_eq!(source.line_column(0), (1, 1));
        assert_eq!(source.line_column(7), (2, 2));
        assert_eq!(source.location(6), "b.toml:2:1");
    }

    #[test]
    fn render_shows_location_and_hint() {
        let source = Source {
            path: "b.toml".into(),
            text: "[bucket.raw]\nnme = \"x\"\n".into(),
        };
        let mut diagnostics = Diagnostics::default();
        diagnostics.error(&(13..16), "bucket.raw: unknown field `nme`", "did you mean `name`?");
        let text = diagnostics.render(&source, false);
        assert!(text.contains("b.toml:2:1"), "{text}");
        assert!(text.contains("hint: did you mean `name`?"), "{text}");
        assert!(text.contains("1 error in b.toml; nothing was changed."), "{text}");
    }
}
