//! Where the hook's policy comes from: the anchored levels (managed, user, project), with the
//! project root taken from the hook command (`--project`, recorded by `hook install`) or the
//! git root of the agent's working directory — never a directory the agent reached with `cd`.

use std::path::{Path, PathBuf};

use attesta::config_levels::{EffectivePolicy, LevelDirs, project_root_of};

/// The project root: the recorded one, else the git root of `cwd`, else `cwd`.
pub fn project_root(recorded: Option<&Path>, cwd: &Path) -> PathBuf {
    match recorded {
        Some(dir) => dir.to_path_buf(),
        None => project_root_of(cwd),
    }
}

/// Loads the effective policy for a hook call. Errors are messages for a denial.
pub fn load(explicit: Option<&Path>, recorded: Option<&Path>, cwd: &Path) -> Result<EffectivePolicy, String> {
    let root = project_root(recorded, cwd);
    EffectivePolicy::load(&LevelDirs::from_env(), &root, explicit).map_err(|e| format!("configuration error: {e}"))
}
