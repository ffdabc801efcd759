//! `catalog`: work in progress.
