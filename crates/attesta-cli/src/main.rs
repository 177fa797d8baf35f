//! `attesta`: parse → run → exit code. Everything else lives in the libraries.

fn main() -> std::process::ExitCode {
    attesta_cli::main_entry()
}
