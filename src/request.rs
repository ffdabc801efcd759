//! Requests: work in progress.
