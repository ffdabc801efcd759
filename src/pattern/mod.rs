//! `pattern`: work in progress.
