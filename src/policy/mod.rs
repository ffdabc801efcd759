//! `policy`: work in progress.
