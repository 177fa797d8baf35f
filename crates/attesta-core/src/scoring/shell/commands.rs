//! Per-command rules: what one simple command does once wrappers are stripped.

use super::*;

pub(super) fn analyze_segment(
    seg: &Segment<'_>,
    findings: &mut Findings,
    saw_fetch: &mut bool,
    saw_interpreter_stdin: &mut bool,
    depth: usize,
    vars: &[(String, String)],
) -> CommandClass {
    // `{rm,-rf,/}`: brace expansion in the command position spells out a command line.
    let expanded: Vec<&str>;
    let mut argv: &[&str] = &seg.argv;
    if let Some(braced) = argv
        .first()
        .and_then(|f| f.strip_prefix('{'))
        .and_then(|f| f.strip_suffix('}'))
        .filter(|f| f.contains(','))
    {
        expanded = braced.split(',').chain(argv[1..].iter().copied()).collect();
        argv = &expanded;
    }
    // Strip `VAR=value` prefixes, shell keywords and wrappers that run another command.
    loop {
        let Some(first) = argv.first() else {
            return CommandClass::ReadOnly;
        };
        match *first {
            // Compound commands run their bodies: `if …; then rm -rf ~; fi`, `! rm …`,
            // `{ rm …; }`, `while …; do rm …; done`.
            "if" | "then" | "else" | "elif" | "do" | "while" | "until" | "!" | "{" | "}" | "fi"
            | "done" | "esac" | "coproc" => {
                argv = &argv[1..];
                continue;
            }
            // Loop and case headers only bind words; their bodies are separate commands.
            "for" | "select" | "case" | "in" => return CommandClass::ReadOnly,
            // `function name { … }`: the body follows the name.
            "function" => {
                argv = argv.get(2..).unwrap_or(&[]);
                continue;
            }
            _ => {}
        }
        // Bare `env` prints the environment (tokens and keys included), it wraps nothing.
        if basename(first) == "env" && argv.len() == 1 {
            findings.push(Signal::new(
                ENVIRONMENT_DUMP,
                "shell",
                "prints every environment variable (tokens and keys included)".to_owned(),
            ));
            return CommandClass::Other;
        }
        if is_assignment(first) {
            if disables_history(first) {
                findings.push(Signal::new(
                    HISTORY_TAMPERING,
                    "shell",
                    format!("disables shell history: {}", snippet(first, 60)),
                ));
            }
            argv = &argv[1..];
            continue;
        }
        match basename(first) {
            "sudo" | "doas" => {
                let rest = &argv[1..];
                let skip = rest
                    .iter()
                    .position(|a| !a.starts_with('-'))
                    .unwrap_or(rest.len());
                // `sudo -u user cmd`: the user name follows `-u`.
                let skip = if rest
                    .get(skip.wrapping_sub(1))
                    .is_some_and(|f| *f == "-u" || *f == "-g")
                {
                    skip + 1
                } else {
                    skip
                };
                let inner = rest.get(skip..).unwrap_or(&[]);
                let shell_like = inner.first().is_none_or(|c| {
                    matches!(basename(c), "su" | "bash" | "sh" | "zsh" | "-i" | "-s")
                });
                let sev = if shell_like || rest.iter().any(|a| *a == "-i" || *a == "-s") {
                    0.8
                } else {
                    0.6
                };
                findings.push(Signal::new(
                    sev,
                    "shell",
                    format!("runs as root: {}", snippet(&argv.join(" "), 60)),
                ));
                argv = inner;
                if argv.is_empty() {
                    return CommandClass::Other;
                }
            }
            "env" | "nohup" | "time" | "nice" | "exec" | "command" | "builtin" | "stdbuf"
            | "ionice" | "busybox" | "setsid" | "unbuffer" | "caffeinate" | "proxychains"
            | "proxychains4" | "torsocks" | "chrt" | "taskset" | "cpulimit" | "systemd-run"
            | "firejail" => {
                argv = skip_options(
                    &argv[1..],
                    &[
                        "-n",
                        "-u",
                        "--unset",
                        "-C",
                        "--chdir",
                        "-c",
                        "-p",
                        "--adjustment",
                        "-l",
                        "--limit",
                    ],
                );
                // `taskset 0x3 cmd`, `chrt 10 cmd`: a leading number is the wrapper's.
                if matches!(basename(first), "taskset" | "chrt" | "nice")
                    && argv
                        .first()
                        .is_some_and(|a| a.bytes().all(|b| b.is_ascii_hexdigit() || b == b'x'))
                {
                    argv = &argv[1..];
                }
            }
            // `npx eslint`, `bunx prettier`, `pnpm dlx tsc`: the tool named next is what runs.
            "npx" | "bunx" => {
                argv = skip_options(&argv[1..], &["-p", "--package", "-c", "--call"]);
            }
            "timeout" | "watch" | "chroot" | "flock" | "runuser" => {
                let with_value: &[&str] = match basename(first) {
                    "timeout" => &["-s", "--signal", "-k", "--kill-after"],
                    "watch" => &["-n", "--interval", "-q", "--equexit"],
                    "chroot" => &["--userspec", "--groups"],
                    "flock" => &["-w", "--timeout", "-E", "--conflict-exit-code"],
                    _ => &["-u", "--user", "-g", "--group"],
                };
                let wrapper = basename(first);
                argv = skip_options(&argv[1..], with_value);
                // The duration, new root or lock file comes before the command.
                if wrapper != "watch" && wrapper != "runuser" {
                    argv = argv.get(1..).unwrap_or(&[]);
                }
                if matches!(argv.first(), Some(&("-c" | "--command" | "--")))
                    && let Some(script) = argv.get(1)
                {
                    if argv[0] != "--" {
                        let script = *script;
                        return if depth < MAX_NESTING {
                            analyze_nested(script, findings, depth + 1)
                        } else {
                            too_deep(script, findings)
                        };
                    }
                    argv = &argv[1..];
                }
            }
            "xargs" => {
                argv = &argv[1..];
                while argv.first().is_some_and(|a| a.starts_with('-')) {
                    let flag = argv[0];
                    argv = &argv[1..];
                    if matches!(flag, "-I" | "-n" | "-P" | "-L" | "-d" | "-s" | "-E") {
                        argv = argv.get(1..).unwrap_or(&[]);
                    }
                }
            }
            _ => break,
        }
    }
    let Some((cmd_word, args)) = argv.split_first() else {
        return CommandClass::ReadOnly;
    };
    if let Some(var) = variable_command(cmd_word) {
        findings.push(Signal::new(
            VARIABLE_COMMAND,
            "shell",
            format!(
                "runs a command named by a variable: {}",
                snippet(&argv.join(" "), 80)
            ),
        ));
        // Resolve `x=rm; $x -rf ~` from an assignment earlier on the line and judge what runs.
        let value = vars
            .iter()
            .rev()
            .find(|(name, _)| !var.is_empty() && name == var)
            .map(|(_, value)| value.as_str());
        if let Some(value) = value {
            if depth >= MAX_NESTING {
                return too_deep(value, findings);
            }
            let mut resolved: Vec<&str> = value.split_whitespace().collect();
            resolved.extend_from_slice(args);
            let mut inner = Segment::new(seg.piped_in);
            inner.argv = resolved;
            analyze_segment(
                &inner,
                findings,
                saw_fetch,
                saw_interpreter_stdin,
                depth + 1,
                vars,
            );
        }
        return CommandClass::Other;
    }
    let owned_lower = basename(cmd_word).to_ascii_lowercase();
    let cmd = owned_lower.as_str();
    for path in written_paths(cmd, args) {
        if let Some((sev, what)) = write_target_risk(path) {
            findings.push(Signal::new(sev, "shell", format!("`{cmd}` changes {what}")));
        }
    }
    let line = || snippet(&argv.join(" "), 80);
    let mut push = |sev: f64, why: &str| {
        findings.push(Signal::new(sev, "shell", format!("{why}: {}", line())));
    };

    // `printenv` alone dumps the environment; `printenv GITHUB_TOKEN` reads a secret.
    if cmd == "printenv" && (args.is_empty() || args.iter().any(|a| names_a_secret(a))) {
        push(
            ENVIRONMENT_DUMP,
            "prints environment variables that hold credentials",
        );
        return CommandClass::Other;
    }
    if FETCHERS.contains(&cmd) {
        *saw_fetch = true;
    }
    if cmd == "base64" && has_flag(args, Some('d'), &["--decode"]) {
        *saw_fetch = true;
    }
    if INTERPRETERS.contains(&cmd)
        && (seg.piped_in
            || args.is_empty()
            || has_flag(args, Some('c'), &["-"])
            || args.contains(&"-s"))
    {
        *saw_interpreter_stdin = seg.piped_in || *saw_interpreter_stdin;
    }
    if (INTERPRETERS.contains(&cmd) || matches!(cmd, "source" | "."))
        && (seg.reads_procsub || args.first().is_some_and(|a| a.starts_with("/dev/fd/")))
    {
        // `bash <(curl …)`, `source <(wget …)`: runs what the substitution prints.
        *saw_interpreter_stdin = true;
    }
    if is_stdin_runner(cmd)
        && let Some(text) = seg.here_string
        && inline_script(cmd, args).is_none()
    {
        // `bash <<< 'rm -rf ~'`
        let inner = if depth >= MAX_NESTING {
            too_deep(text, findings)
        } else if INTERPRETERS[..6].contains(&cmd) {
            analyze_nested(text, findings, depth + 1)
        } else {
            analyze_code(text, findings, depth + 1)
        };
        return inner.max(CommandClass::Workspace);
    }
    if INTERPRETERS.contains(&cmd)
        && let Some((script, is_shell)) = inline_script(cmd, args)
    {
        if is_shell && script.contains(['$', '`']) && fetches_or_decodes(script) {
            push_signal(
                findings,
                0.95,
                format!("runs downloaded or decoded code: {}", snippet(script, 60)),
            );
        }
        // `bash -c "…"` is a whole command line (with its own pipes and fetches); `python -c`,
        // `perl -e`, `node -e`… are code whose string literals may be commands or paths.
        let inner = if depth >= MAX_NESTING {
            too_deep(script, findings)
        } else if is_shell {
            analyze_nested(script, findings, depth + 1)
        } else {
            analyze_code(script, findings, depth + 1)
        };
        return inner.max(CommandClass::Workspace);
    }
    if DB_CLIS.contains(&cmd) {
        for arg in args.iter().filter(|a| !a.starts_with('-')) {
            sql::analyze(arg, findings);
        }
        return CommandClass::Other;
    }

    match cmd {
        "rm" | "del" | "rmdir" | "unlink" | "remove-item" => {
            let recursive =
                has_flag(args, Some('r'), &["--recursive"]) || has_flag(args, Some('R'), &[]);
            let force = has_flag(args, Some('f'), &["--force"]);
            let targets: Vec<&str> = positional(args).collect();
            let no_preserve = args.contains(&"--no-preserve-root");
            let catastrophic = targets.iter().any(|t| is_catastrophic_target(t))
                || targets.iter().any(|t| system_write_target(t).is_some());
            if no_preserve || (recursive && catastrophic) {
                push(0.97, "recursive delete of a root, home or system directory");
            } else if catastrophic {
                push(0.8, "delete in a system or home directory");
            } else if recursive && force {
                push(0.75, "recursive forced delete");
            } else if recursive {
                push(0.7, "recursive delete");
            } else if force {
                push(0.62, "forced delete");
            } else {
                push(0.6, "deletes files");
            }
            CommandClass::Other
        }
        "shred" | "wipefs" | "fdisk" | "parted" | "sfdisk" | "gdisk" => {
            push(0.95, "destroys disk data or partitions");
            CommandClass::Other
        }
        c if c.starts_with("mkfs") => {
            push(0.97, "formats a filesystem");
            CommandClass::Other
        }
        "dd" => {
            let to_device = args.iter().any(|a| {
                a.strip_prefix("of=")
                    .is_some_and(|p| p.starts_with("/dev/") && system_write_target(p).is_some())
            });
            push(
                if to_device { 0.97 } else { 0.65 },
                if to_device {
                    "dd writes a raw device"
                } else {
                    "raw copy with dd"
                },
            );
            CommandClass::Other
        }
        "chmod" => {
            let world = args.iter().any(|a| {
                matches!(
                    *a,
                    "777" | "0777" | "a+rwx" | "ugo+rwx" | "o+w" | "a+w" | "666" | "0666"
                )
            });
            let setuid = args
                .iter()
                .any(|a| a.contains("+s") || (a.len() == 4 && a.starts_with(['4', '2', '6'])));
            let recursive = has_flag(args, Some('R'), &["--recursive"]);
            let system = positional(args)
                .any(|t| is_catastrophic_target(t) || system_write_target(t).is_some());
            if world || setuid {
                push(
                    if recursive || system { 0.85 } else { 0.72 },
                    "makes files world-writable or setuid",
                );
            } else if system {
                push(0.75, "changes permissions of system files");
            } else {
                push(0.3, "changes file permissions");
            }
            CommandClass::Other
        }
        "chown" | "chgrp" => {
            let system = positional(args)
                .any(|t| is_catastrophic_target(t) || system_write_target(t).is_some());
            push(if system { 0.8 } else { 0.4 }, "changes file ownership");
            CommandClass::Other
        }
        "su" => {
            push(0.8, "switches user");
            if let Some(at) = args.iter().position(|a| matches!(*a, "-c" | "--command"))
                && let Some(script) = args.get(at + 1)
            {
                if depth < MAX_NESTING {
                    analyze_nested(script, findings, depth + 1);
                } else {
                    too_deep(script, findings);
                }
            }
            CommandClass::Other
        }
        "shutdown" | "reboot" | "halt" | "poweroff" | "init" => {
            push(0.8, "shuts down or reboots the machine");
            CommandClass::Other
        }
        "kill" | "pkill" | "killall" => {
            let init = args.iter().any(|a| *a == "1" || *a == "-1");
            push(if init { 0.9 } else { 0.55 }, "kills processes");
            CommandClass::Other
        }
        "iptables" | "ip6tables" | "ufw" | "nft" | "setenforce" => {
            let disabling = args
                .iter()
                .any(|a| matches!(*a, "-F" | "--flush" | "disable" | "0" | "flush" | "-X"));
            push(
                if disabling { 0.85 } else { 0.6 },
                "changes the firewall or security policy",
            );
            CommandClass::Other
        }
        "systemctl" | "service" => {
            let verb = positional(args).next().unwrap_or("");
            match verb {
                "status" | "list-units" | "is-active" | "show" | "cat" => CommandClass::ReadOnly,
                _ => {
                    push(0.55, "controls system services");
                    CommandClass::Other
                }
            }
        }
        "crontab" => {
            if args.contains(&"-r") {
                push(0.75, "removes all cron jobs");
            } else if args.contains(&"-l") {
                return CommandClass::ReadOnly;
            } else if args.iter().any(|a| *a == "-" || !a.starts_with('-')) {
                // `crontab -` / `crontab FILE`: replaces the whole table without an editor
                // (how persistence is installed).
                push(0.65, "installs a new cron table");
            } else {
                push(0.5, "edits scheduled jobs");
            }
            CommandClass::Other
        }
        "flushall" | "flushdb" => {
            push(0.95, "wipes a Redis database");
            CommandClass::Other
        }
        "history" if args.contains(&"-c") => {
            push(0.7, "clears shell history");
            CommandClass::Other
        }
        "set" if args.contains(&"+o") && args.contains(&"history") => {
            push(HISTORY_TAMPERING, "disables shell history");
            CommandClass::Other
        }
        "export" | "declare" | "typeset" | "local" | "readonly"
            if args.iter().any(|a| disables_history(a)) =>
        {
            push(HISTORY_TAMPERING, "disables shell history");
            CommandClass::Other
        }
        "unset" if args.iter().any(|a| a.starts_with("HIST")) => {
            push(0.7, "disables shell history");
            CommandClass::Other
        }
        "eval" => {
            // `eval` runs its joined arguments as a command line. With no arguments left (the
            // tokeniser split off `$(…)`) or with an expansion in them, what runs is decided at
            // run time: high risk, and critical when it is downloaded or decoded.
            let script = args.join(" ");
            let dynamic = args.is_empty() || script.contains(['$', '`']);
            if dynamic {
                *saw_interpreter_stdin = true;
                push(VARIABLE_COMMAND, "evaluates a string built at run time");
                if fetches_or_decodes(&script) {
                    push(0.95, "evaluates downloaded or decoded code");
                }
            } else {
                push(0.55, "evaluates a dynamic string");
            }
            if !script.is_empty() {
                if depth < MAX_NESTING {
                    analyze_nested(&script, findings, depth + 1);
                } else {
                    too_deep(&script, findings);
                }
            }
            CommandClass::Other
        }
        "nc" | "ncat" | "netcat" | "socat" => {
            let exec = args
                .iter()
                .any(|a| matches!(*a, "-e" | "-c" | "--exec") || a.contains("exec:"));
            push(
                if exec { 0.95 } else { 0.5 },
                if exec {
                    "network shell"
                } else {
                    "raw network connection"
                },
            );
            CommandClass::Other
        }
        "ssh" | "sftp" => {
            push(0.45, "connects to a remote host");
            CommandClass::Other
        }
        "scp" => {
            // The last operand is the destination; `host:path` or `user@host:path` is remote.
            let remote_dest = positional(args)
                .last()
                .is_some_and(|d| d.contains(':') && !d.starts_with('/'));
            push(
                if remote_dest { 0.6 } else { 0.45 },
                if remote_dest {
                    "copies files to a remote host"
                } else {
                    "copies files from a remote host"
                },
            );
            CommandClass::Other
        }
        "rsync" => {
            let delete = args.iter().any(|a| a.starts_with("--delete"));
            push(
                if delete { 0.75 } else { 0.4 },
                if delete {
                    "rsync deleting files at the destination"
                } else {
                    "copies files with rsync"
                },
            );
            CommandClass::Other
        }
        "curl" | "wget" | "http" | "https" => {
            let method = args
                .windows(2)
                .find(|w| matches!(w[0], "-X" | "--request"))
                .map(|w| w[1].to_ascii_uppercase());
            let uploads = args.iter().any(|a| {
                matches!(
                    *a,
                    "-d" | "--data"
                        | "--data-binary"
                        | "-F"
                        | "--form"
                        | "-T"
                        | "--upload-file"
                        | "--post-file"
                )
            });
            match method.as_deref() {
                Some("DELETE") => push(0.6, "HTTP DELETE request"),
                Some("POST") | Some("PUT") | Some("PATCH") => push(0.45, "sends data over HTTP"),
                _ if uploads => push(0.45, "sends data over HTTP"),
                _ => push(0.3, "network request"),
            }
            CommandClass::Other
        }
        "git" => analyze_git(args, &mut push),
        "kubectl" | "oc" => analyze_kubectl(args, &mut push),
        "helm" => {
            let verb = positional(args).next().unwrap_or("");
            match verb {
                "uninstall" | "delete" | "del" => push(0.85, "uninstalls a Helm release"),
                "install" | "upgrade" | "rollback" => push(0.55, "changes a Helm release"),
                "list" | "ls" | "status" | "get" | "show" | "template" | "search" | "history"
                | "lint" => {
                    return CommandClass::ReadOnly;
                }
                _ => push(0.4, "runs helm"),
            }
            CommandClass::Other
        }
        "terraform" | "tofu" | "pulumi" => {
            let verb = positional(args).next().unwrap_or("");
            match verb {
                "destroy" => push(0.97, "destroys infrastructure"),
                "apply" | "up" => {
                    let unattended = args
                        .iter()
                        .any(|a| a.starts_with("-auto-approve") || *a == "--yes" || *a == "-y");
                    push(
                        if unattended { 0.8 } else { 0.7 },
                        "applies infrastructure changes",
                    );
                }
                "import" | "taint" | "state" | "force-unlock" => {
                    push(0.65, "rewrites infrastructure state")
                }
                "plan" | "validate" | "show" | "fmt" | "output" | "version" | "preview"
                | "graph" => {
                    return CommandClass::ReadOnly;
                }
                "init" => return CommandClass::Workspace,
                _ => push(0.5, "runs infrastructure tooling"),
            }
            CommandClass::Other
        }
        "aws" | "gcloud" | "az" | "doctl" | "gsutil" => analyze_cloud(args, &mut push),
        "docker" | "podman" => {
            let verb = positional(args).next().unwrap_or("");
            let all: Vec<&str> = positional(args).collect();
            match verb {
                "ps" | "images" | "logs" | "inspect" | "version" | "info" | "stats" | "top" => {
                    return CommandClass::ReadOnly;
                }
                "build" | "pull" | "tag" | "compose" => return CommandClass::Workspace,
                "system" | "volume" | "image" | "container" | "network"
                    if all.iter().any(|a| *a == "prune" || *a == "rm") =>
                {
                    push(0.75, "prunes or removes docker resources");
                }
                "rm" | "rmi" | "kill" | "stop" => push(0.5, "removes or stops containers"),
                "push" => push(0.55, "publishes an image"),
                "run" | "exec" => {
                    let privileged = args.iter().any(|a| {
                        *a == "--privileged"
                            || a.starts_with("--pid=host")
                            || a.starts_with("--net=host")
                    });
                    let host_root = args
                        .iter()
                        .any(|a| a.starts_with("/:") || a.starts_with("/var/run/docker.sock"));
                    if privileged || host_root {
                        push(0.85, "container with host-level access");
                    } else {
                        push(0.4, "runs a container");
                    }
                }
                _ => push(0.4, "runs docker"),
            }
            CommandClass::Other
        }
        "npm" | "pnpm" | "yarn" | "cargo" | "pip" | "pip3" | "gem" | "poetry" | "uv" | "twine"
        | "go" | "bundle" | "composer" => {
            let verb = positional(args).next().unwrap_or("");
            match verb {
                "publish" | "upload" | "push" | "release" => {
                    push(0.65, "publishes a package");
                    CommandClass::Other
                }
                "install" | "add" | "i" | "get" | "ci" => {
                    push(0.35, "installs third-party packages");
                    CommandClass::Workspace
                }
                "ls" | "list" | "view" | "show" | "freeze" | "search" | "outdated" | "tree"
                | "audit" | "version" | "--version" => CommandClass::ReadOnly,
                "uninstall" | "remove" | "rm" => {
                    push(0.4, "removes packages");
                    CommandClass::Workspace
                }
                _ => CommandClass::Workspace,
            }
        }
        "apt" | "apt-get" | "yum" | "dnf" | "brew" | "apk" | "pacman" | "snap" | "choco"
        | "winget" => {
            let verb = positional(args).next().unwrap_or("");
            match verb {
                "remove" | "purge" | "autoremove" | "uninstall" | "erase" => {
                    push(0.65, "removes system packages")
                }
                "install" | "upgrade" | "dist-upgrade" | "update" => {
                    push(0.45, "changes system packages")
                }
                "list" | "search" | "show" | "info" | "policy" => return CommandClass::ReadOnly,
                _ => push(0.4, "runs a package manager"),
            }
            CommandClass::Other
        }
        "find" => {
            if args.contains(&"-delete")
                || args
                    .windows(2)
                    .any(|w| w[0] == "-exec" && matches!(basename(w[1]), "rm" | "shred"))
            {
                push(0.75, "find deleting matches");
                CommandClass::Other
            } else if args
                .iter()
                .any(|a| matches!(*a, "-exec" | "-execdir" | "-ok"))
            {
                CommandClass::Other
            } else {
                CommandClass::ReadOnly
            }
        }
        "sed" | "perl" if has_flag(args, Some('i'), &[]) => {
            if positional(args).any(|t| system_write_target(t).is_some()) {
                push(0.85, "edits system files in place");
                return CommandClass::Other;
            }
            CommandClass::Workspace
        }
        "mv" | "cp" | "tee" | "ln" | "install" | "truncate" => {
            let targets: Vec<&str> = positional(args).collect();
            if let Some(t) = targets.iter().find(|t| system_write_target(t).is_some()) {
                push(0.85, &format!("writes into system path {}", snippet(t, 40)));
                return CommandClass::Other;
            }
            if cmd == "mv" && targets.last().is_some_and(|t| *t == "/dev/null") {
                push(0.7, "moves files into /dev/null");
                return CommandClass::Other;
            }
            if cmd == "truncate" {
                push(0.5, "truncates files");
                return CommandClass::Other;
            }
            CommandClass::Workspace
        }
        "mkdir" | "touch" | "make" | "cmake" | "ninja" | "pytest" | "tsc" | "eslint"
        | "prettier" | "rustfmt" | "black" | "ruff" | "mypy" | "jest" | "vitest" | "mvn"
        | "gradle" | "gradlew" | "dotnet" | "bazel" | "rustc" | "gcc" | "clang" | "javac"
        | "patch" | "tar" | "unzip" | "zip" | "gzip" | "gunzip" | "gofmt" | "goimports"
        | "isort" | "autopep8" | "yapf" | "clang-format" | "shfmt" | "stylua" | "ktlint"
        | "rubocop" | "flake8" | "pylint" | "golangci-lint" | "staticcheck" | "shellcheck"
        | "hadolint" | "biome" | "tox" | "nox" | "phpunit" | "rspec" | "ctest" | "meson"
        | "pyright" | "cargo-nextest" | "nextest" | "mocha" | "karma" | "playwright"
        | "cypress" | "webpack" | "vite" | "esbuild" | "rollup" | "turbo" | "nx" | "lerna" => {
            CommandClass::Workspace
        }
        "ls" | "cat" | "head" | "tail" | "grep" | "rg" | "egrep" | "fgrep" | "ag" | "pwd"
        | "echo" | "printf" | "wc" | "sort" | "uniq" | "cut" | "tr" | "diff" | "stat" | "file"
        | "which" | "whereis" | "type" | "tree" | "du" | "df" | "ps" | "uptime" | "whoami"
        | "id" | "date" | "hostname" | "uname" | "jq" | "yq" | "less" | "more" | "basename"
        | "dirname" | "realpath" | "readlink" | "true" | "false" | "test" | "[" | "awk" | "sed"
        | "column" | "nl" | "md5sum" | "sha256sum" | "shasum" | "cd" | "fd" | "bat" | "exa"
        | "eza" | "free" | "top" | "htop" | "lsof" | "netstat" | "ss" | "dig" | "nslookup"
        | "host" | "ping" | "sleep" | "seq" | "xxd" | "od" | "strings" | "cmp" | "comm" | "man"
        | "help" | "tldr" | "locate" | "lsblk" | "mount" | "env" | "printenv" | "set" => {
            CommandClass::ReadOnly
        }
        // `python -m pytest`, `python -m mypy`: a known tool run through the interpreter is
        // routine; an arbitrary script (`python scripts/migrate.py --env production`) is not.
        c if INTERPRETERS.contains(&c) => {
            let module = args
                .iter()
                .position(|a| *a == "-m")
                .and_then(|i| args.get(i + 1))
                .copied();
            match module {
                Some(
                    "pytest" | "unittest" | "mypy" | "black" | "ruff" | "flake8" | "pylint"
                    | "isort" | "compileall" | "py_compile" | "doctest" | "tox" | "nox"
                    | "coverage" | "pyright" | "build" | "venv" | "pydoc" | "json.tool" | "timeit",
                ) => CommandClass::Workspace,
                Some("pip")
                    if matches!(
                        args.iter()
                            .find(|a| !a.starts_with('-') && **a != "pip" && **a != "-m"),
                        Some(&("list" | "show" | "freeze" | "check"))
                    ) =>
                {
                    CommandClass::ReadOnly
                }
                _ if !args.is_empty()
                    && args
                        .iter()
                        .all(|a| matches!(*a, "--version" | "-V" | "--help" | "-h")) =>
                {
                    CommandClass::ReadOnly
                }
                _ => CommandClass::Other,
            }
        }
        _ => CommandClass::Other,
    }
}

/// Reading the environment's secrets (`printenv`, bare `env`): reading credentials is HIGH.
const ENVIRONMENT_DUMP: f64 = 0.6;

/// Whether an environment variable's name says it holds a credential.
fn names_a_secret(name: &str) -> bool {
    let upper = name.to_ascii_uppercase();
    [
        "TOKEN",
        "SECRET",
        "PASSWORD",
        "PASSWD",
        "API_KEY",
        "APIKEY",
        "PRIVATE_KEY",
        "CREDENTIAL",
        "ACCESS_KEY",
    ]
    .iter()
    .any(|w| upper.contains(w))
}
