//! Rules for multi-verb tools: git, kubectl and the cloud CLIs.

use super::*;

pub(super) fn analyze_git(args: &[&str], push: &mut impl FnMut(f64, &str)) -> CommandClass {
    // Skip global options (`-C dir`, `-c key=value`, `--no-pager`).
    let mut i = 0;
    while i < args.len() && args[i].starts_with('-') {
        i += if matches!(args[i], "-C" | "-c" | "--git-dir" | "--work-tree") {
            2
        } else {
            1
        };
    }
    let Some(sub) = args.get(i) else {
        return CommandClass::ReadOnly;
    };
    let rest = &args[i + 1..];
    match *sub {
        "status" | "log" | "diff" | "show" | "blame" | "rev-parse" | "ls-files" | "grep"
        | "shortlog" | "describe" | "reflog"
            if !rest.contains(&"expire") =>
        {
            CommandClass::ReadOnly
        }
        "fetch" | "remote"
            if !rest
                .iter()
                .any(|a| matches!(*a, "remove" | "rm" | "set-url")) =>
        {
            CommandClass::ReadOnly
        }
        "branch" => {
            if has_flag(rest, Some('D'), &["--delete"]) || has_flag(rest, Some('d'), &[]) {
                push(0.6, "deletes a git branch");
                CommandClass::Other
            } else if positional(rest).next().is_none() {
                CommandClass::ReadOnly
            } else {
                CommandClass::Workspace
            }
        }
        "push" => {
            let force = rest.iter().any(|a| {
                matches!(*a, "--force" | "--force-with-lease" | "--mirror")
                    || a.starts_with("--force")
                    || short_flag(a, 'f')
            }) || positional(rest).any(|r| r.starts_with('+'));
            let protected = positional(rest).any(|r| {
                let r = r.trim_start_matches('+');
                let dest = r.rsplit(':').next().unwrap_or(r);
                matches!(
                    dest,
                    "main" | "master" | "production" | "prod" | "release" | "trunk"
                )
            });
            let delete = rest.contains(&"--delete")
                || positional(rest).any(|r| r.starts_with(':') && r.len() > 1);
            if force {
                push(
                    if protected { 0.95 } else { 0.85 },
                    "force-pushes over remote history",
                );
            } else if delete {
                push(0.7, "deletes a remote branch");
            } else if protected {
                push(0.55, "pushes directly to a protected branch");
            } else {
                push(0.4, "publishes commits to a remote");
            }
            CommandClass::Other
        }
        "reset" if rest.contains(&"--hard") => {
            push(0.7, "discards local changes (reset --hard)");
            CommandClass::Other
        }
        "clean" if has_flag(rest, Some('f'), &["--force"]) => {
            push(0.7, "deletes untracked files (git clean)");
            CommandClass::Other
        }
        "checkout" | "restore" if rest.iter().any(|a| *a == "." || *a == "--") => {
            push(0.5, "discards uncommitted changes");
            CommandClass::Other
        }
        "stash" if rest.first().is_some_and(|a| matches!(*a, "drop" | "clear")) => {
            push(0.6, "drops stashed work");
            CommandClass::Other
        }
        "filter-branch" | "filter-repo" => {
            push(0.85, "rewrites repository history");
            CommandClass::Other
        }
        "reflog" | "gc" | "prune" => {
            push(0.6, "expires recoverable history");
            CommandClass::Other
        }
        "rebase" => {
            push(0.4, "rewrites local history");
            CommandClass::Workspace
        }
        "remote" => {
            push(0.45, "changes git remotes");
            CommandClass::Other
        }
        _ => CommandClass::Workspace,
    }
}

pub(super) fn analyze_kubectl(args: &[&str], push: &mut impl FnMut(f64, &str)) -> CommandClass {
    let verb = positional(args).next().unwrap_or("");
    let broad = args
        .iter()
        .any(|a| matches!(*a, "--all" | "-A" | "--all-namespaces"))
        || positional(args).any(|a| {
            matches!(
                a,
                "namespace" | "ns" | "namespaces" | "pv" | "pvc" | "crd" | "node" | "nodes"
            )
        });
    match verb {
        "get" | "describe" | "logs" | "top" | "explain" | "version" | "api-resources" | "diff"
        | "auth" | "config" | "cluster-info" | "events" => CommandClass::ReadOnly,
        "delete" => {
            push(
                if broad { 0.95 } else { 0.85 },
                "deletes Kubernetes resources",
            );
            CommandClass::Other
        }
        "drain" | "cordon" | "taint" => {
            push(0.7, "takes nodes out of service");
            CommandClass::Other
        }
        "exec" | "cp" | "port-forward" | "attach" => {
            push(0.6, "runs commands inside the cluster");
            CommandClass::Other
        }
        _ => {
            push(0.55, "changes cluster state");
            CommandClass::Other
        }
    }
}

pub(super) fn analyze_cloud(args: &[&str], push: &mut impl FnMut(f64, &str)) -> CommandClass {
    let words: Vec<&str> = positional(args).collect();
    // Compare whole parts of hyphenated sub-commands (`terminate-instances`), never substrings
    // (`compute` does not contain the verb `put`).
    let has = |needles: &[&str]| {
        words
            .iter()
            .flat_map(|w| w.split(['-', '_']))
            .any(|part| needles.iter().any(|n| part.eq_ignore_ascii_case(n)))
    };
    let recursive = args.iter().any(|a| {
        matches!(
            *a,
            "--recursive" | "-r" | "--force" | "-f" | "--quiet" | "-q"
        )
    });
    if has(&["delete", "terminate", "remove", "destroy", "purge"])
        || words.iter().any(|w| matches!(*w, "rm" | "rb"))
    {
        push(
            if recursive { 0.92 } else { 0.85 },
            "deletes cloud resources",
        );
        return CommandClass::Other;
    }
    if has(&["iam", "policy", "role", "secret", "kms", "key"])
        && has(&["create", "put", "attach", "add", "update", "set"])
    {
        push(0.75, "changes cloud access policy or secrets");
        return CommandClass::Other;
    }
    if has(&[
        "stop", "reboot", "shutdown", "scale", "deploy", "update", "modify", "put", "create",
        "run", "start", "set", "attach", "sync", "cp", "mv",
    ]) {
        push(0.55, "changes cloud resources");
        return CommandClass::Other;
    }
    if has(&[
        "describe", "list", "get", "ls", "show", "wait", "whoami", "info",
    ]) {
        return CommandClass::ReadOnly;
    }
    push(0.45, "runs a cloud CLI");
    CommandClass::Other
}
