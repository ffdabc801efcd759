//! `inventory`: work in progress.
