//! `attesta init`: write a commented attesta.yaml.

use std::io::Write;

use attesta_core::config_parse::DEFAULT_CONFIG_YAML;

use crate::cli::InitArgs;
use crate::error::{CliError, CliResult, Exit};

pub fn run(args: &InitArgs) -> CliResult {
    let path = &args.path;
    if path.exists() && !args.force {
        return Err(CliError::usage(format!(
            "{} already exists; pass --force to overwrite it (the old file is not kept)",
            path.display()
        )));
    }
    std::fs::write(path, DEFAULT_CONFIG_YAML)
        .map_err(|e| CliError::failure(format!("cannot write {}: {e}", path.display())))?;
    writeln!(
        std::io::stdout(),
        "Wrote {}. Edit it, then try: attesta score -c {} <<< '{{\"function_name\":\"delete_file\"}}'",
        path.display(),
        path.display()
    )?;
    Ok(Exit::Ok)
}
