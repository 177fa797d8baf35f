//! Loading the configuration file from disk.
