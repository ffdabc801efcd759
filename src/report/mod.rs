//! `report`: work in progress.
