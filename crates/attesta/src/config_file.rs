//! Loading the configuration file from disk: finding it, reading it, and resolving the paths it
//! names relative to its own directory.

use std::fs;
use std::io;
use std::path::{Path, PathBuf};

use attesta_core::config::Config;
use attesta_core::config_parse::{ConfigError, ConfigFormat, MAX_CONFIG_BYTES, parse_config};

/// File names [`LoadedConfig::discover`] looks for, in order.
pub const CONFIG_FILE_NAMES: [&str; 4] = [
    "attesta.yaml",
    "attesta.yml",
    "attesta.json",
    "attesta.toml",
];

#[derive(Debug, thiserror::Error)]
pub enum ConfigFileError {
    #[error("configuration file {} not found — run `attesta init` to create one", path.display())]
    NotFound { path: PathBuf },
    #[error("could not read the configuration file {}: {source} — check its permissions", path.display())]
    Read { path: PathBuf, source: io::Error },
    #[error(
        "cannot tell the format of {} from its name — use the extension .yaml, .yml, .json or .toml",
        path.display()
    )]
    UnknownFormat { path: PathBuf },
    #[error("the configuration file {} is larger than {MAX_CONFIG_BYTES} bytes — check that the right file was named", path.display())]
    TooLarge { path: PathBuf },
    #[error("the configuration file {} is not a regular file (a FIFO, device or directory?) — Attesta reads configuration only from regular files", path.display())]
    NotAFile { path: PathBuf },
    #[error("the configuration file {} is not UTF-8 text — save it as UTF-8", path.display())]
    NotUtf8 { path: PathBuf },
    /// The message already starts with the file name, line and column.
    #[error("{0}")]
    Invalid(ConfigError),
    #[error(
        "found both {} and {} — keep one configuration file so it is clear which one applies",
        first.display(),
        second.display()
    )]
    Ambiguous { first: PathBuf, second: PathBuf },
}

/// A configuration and where it came from.
#[derive(Debug, Clone, PartialEq)]
pub struct LoadedConfig {
    pub config: Config,
    /// The file it was read from; `None` for built-in defaults.
    pub path: Option<PathBuf>,
    /// The directory relative paths in the config are resolved against.
    pub base_dir: PathBuf,
}

impl LoadedConfig {
    /// Reads, detects the format by extension, and parses with the process environment.
    pub fn load(path: &Path) -> Result<LoadedConfig, ConfigFileError> {
        let format = ConfigFormat::from_path(path)
            .ok_or_else(|| ConfigFileError::UnknownFormat { path: path.into() })?;
        let metadata = match fs::metadata(path) {
            Ok(metadata) => metadata,
            Err(err) if err.kind() == io::ErrorKind::NotFound => {
                return Err(ConfigFileError::NotFound { path: path.into() });
            }
            Err(source) => {
                return Err(ConfigFileError::Read {
                    path: path.into(),
                    source,
                });
            }
        };
        // A FIFO or device would block the read (or never end): refuse it before opening.
        if !metadata.is_file() {
            return Err(ConfigFileError::NotAFile { path: path.into() });
        }
        if metadata.len() > MAX_CONFIG_BYTES as u64 {
            return Err(ConfigFileError::TooLarge { path: path.into() });
        }
        let bytes = read_regular(path).map_err(|source| ConfigFileError::Read {
            path: path.into(),
            source,
        })?;
        if bytes.len() > MAX_CONFIG_BYTES {
            return Err(ConfigFileError::TooLarge { path: path.into() });
        }
        let text =
            String::from_utf8(bytes).map_err(|_| ConfigFileError::NotUtf8 { path: path.into() })?;
        let env = |name: &str| std::env::var(name).ok();
        let config = parse_config(&text, format, &path.display().to_string(), &env)
            .map_err(ConfigFileError::Invalid)?;
        let base_dir = base_dir_of(path);
        Ok(LoadedConfig {
            config,
            path: Some(path.to_path_buf()),
            base_dir,
        })
    }

    /// Looks for `attesta.yaml`, `.yml`, `.json` or `.toml` in `dir`. Two of them at once is an
    /// error rather than a silent choice.
    pub fn discover(dir: &Path) -> Result<Option<LoadedConfig>, ConfigFileError> {
        let mut found: Option<PathBuf> = None;
        for name in CONFIG_FILE_NAMES {
            let candidate = dir.join(name);
            // Anything by that name counts (a FIFO or directory is an error from `load`, not
            // a reason to fall back to the defaults).
            if candidate.symlink_metadata().is_ok() {
                if let Some(first) = found {
                    return Err(ConfigFileError::Ambiguous {
                        first,
                        second: candidate,
                    });
                }
                found = Some(candidate);
            }
        }
        found.map(|path| LoadedConfig::load(&path)).transpose()
    }

    /// The built-in defaults, with paths relative to `base_dir`.
    pub fn defaults(base_dir: PathBuf) -> LoadedConfig {
        LoadedConfig {
            config: Config::default(),
            path: None,
            base_dir,
        }
    }

    /// A path from the config: absolute paths stay, relative ones are under `base_dir`, and
    /// `~/` is the home directory.
    pub fn resolve(&self, relative: &str) -> PathBuf {
        if let Some(rest) = relative.strip_prefix("~/")
            && let Some(home) = std::env::var_os("HOME").filter(|h| !h.is_empty())
        {
            return PathBuf::from(home).join(rest);
        }
        let path = Path::new(relative);
        if path.is_absolute() {
            path.to_path_buf()
        } else {
            self.base_dir.join(path)
        }
    }

    pub fn audit_path(&self) -> PathBuf {
        self.resolve(&self.config.audit.path)
    }

    pub fn trust_store_path(&self) -> PathBuf {
        self.resolve(&self.config.trust.store)
    }
}

/// Reads a file that was a regular file when checked, without blocking if it was swapped for a
/// FIFO since (opened non-blocking, checked again on the open handle), and at most one byte
/// more than the size limit.
fn read_regular(path: &Path) -> io::Result<Vec<u8>> {
    use std::io::Read;
    let mut options = fs::OpenOptions::new();
    options.read(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.custom_flags(nix::fcntl::OFlag::O_NONBLOCK.bits());
    }
    let file = options.open(path)?;
    if !file.metadata()?.is_file() {
        return Err(io::Error::new(io::ErrorKind::InvalidInput, "not a regular file"));
    }
    let mut bytes = Vec::new();
    file.take(MAX_CONFIG_BYTES as u64 + 1).read_to_end(&mut bytes)?;
    Ok(bytes)
}

fn base_dir_of(path: &Path) -> PathBuf {
    let parent = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    // Absolute so the paths stay right if the process changes directory later.
    std::path::absolute(parent).unwrap_or_else(|_| parent.to_path_buf())
}
