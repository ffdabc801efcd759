//! ANSI colour for text output, or none: one switch decided once per run (`--color`,
//! `NO_COLOR`, whether standard output is a terminal) and handed to every text renderer.

/// Wraps words in ANSI colour codes when on, and leaves them alone when off.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Paint {
    /// Whether to write escape codes at all
    pub on: bool,
}

impl Paint {
    /// Colour when `on`.
    pub fn new(on: bool) -> Self {
        Self { on }
    }

    fn wrap(self, code: &str, text: &str) -> String {
        if self.on {
            format!("\x1b[{code}m{text}\x1b[0m")
        } else {
            text.to_string()
        }
    }

    /// Failures, errors, denials.
    pub fn red(self, text: &str) -> String {
        self.wrap("31", text)
    }

    /// Passes and allows.
    pub fn green(self, text: &str) -> String {
        self.wrap("32", text)
    }

    /// Warnings.
    pub fn yellow(self, text: &str) -> String {
        self.wrap("33", text)
    }

    /// Notes and details.
    pub fn dim(self, text: &str) -> String {
        self.wrap("2", text)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn off_writes_the_text_alone() {
        assert_eq!(Paint::new(false).red("FAIL"), "FAIL");
        assert_eq!(Paint::new(true).red("FAIL"), "\x1b[31mFAIL\x1b[0m");
        assert_eq!(Paint::new(true).yellow("w"), "\x1b[33mw\x1b[0m");
    }
}
