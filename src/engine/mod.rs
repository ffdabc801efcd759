//! `engine`: work in progress.
