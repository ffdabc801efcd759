//! `condition`: work in progress.
