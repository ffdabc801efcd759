//! `scenario`: work in progress.
