//! `platform`: work in progress.
