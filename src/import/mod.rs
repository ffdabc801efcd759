//! `import`: work in progress.
