use super::*;
use serde_json::json;

fn ctx(name: &str, kwargs: Value) -> ActionContext {
    let mut c = ActionContext::new(name);
    c.kwargs = kwargs.as_object().cloned().unwrap_or_default();
    c.metadata.insert("cwd".into(), "/home/u/project".into());
    c
}

fn shell(cmd: &str) -> Option<ProtectedHit> {
    Protection::default().check(&ctx("Bash", json!({ "command": cmd })))
}

#[test]
fn named_paths() {
    for p in [
        "/home/u/project/attesta.yaml",
        "/home/u/project/.attesta/audit.jsonl",
        "/home/u/.claude.json",
        "/home/u/project/.claude/settings.local.json",
        "/home/u/.codex/hooks.json",
        "/home/u/.config/attesta/attesta.yaml",
        "/etc/attesta/attesta.yaml",
        "/home/u/.config/Claude/claude_desktop_config.json",
        "/home/u/.config/Code/User/settings.json",
        "/home/u/project/.vscode/mcp.json",
        "/home/u/.cargo/bin/attesta",
        "/home/u/project/.claude",
    ] {
        assert!(is_named_protected(Path::new(p)), "{p}");
    }
    for p in [
        "/home/u/project/src/main.rs",
        "/home/u/project/.claude/agents/x.md",
        "/home/u/project/docs/settings.json",
        "/home/u/.config/git/config",
    ] {
        assert!(!is_named_protected(Path::new(p)), "{p}");
    }
}

#[test]
fn shell_routes_are_found() {
    for cmd in [
        "echo x > attesta.yaml",
        "rm \"att\"esta.yaml",
        "rm atte\\sta.yaml",
        "rm attesta.y*ml",
        "rm .atte?ta/*",
        "cd .attesta && rm audit.jsonl",
        "cd ~/.config && rm -rf attesta",
        "find . -name 'audit.jsonl' -delete",
        "dd if=/dev/zero of=.attesta/audit.jsonl",
        "git show other:attesta.yaml > attesta.yaml",
        "git clean -fdx",
        "attesta hook uninstall claude-code",
        "sudo attesta trust reset a",
        "bash -c 'rm attesta.yaml'",
        "python3 -c \"open('.mcp.json','w')\"",
        "curl -sSL x -o .claude/settings.json",
        "ed -s attesta.yaml <<< $',s/a/b/\\nw'",
        "cat /dev/null > ~/.gemini/settings.json",
        "sed -n 'w attesta.yaml' README.md",
    ] {
        assert!(shell(cmd).is_some(), "{cmd}");
    }
}

#[test]
fn reads_and_unrelated_commands_are_not_raised() {
    for cmd in [
        "cat attesta.yaml",
        "ls -la .attesta 2>/dev/null",
        "git diff .claude/settings.json",
        "attesta audit verify",
        "attesta policy show",
        "cargo test",
        "rm -rf build/*",
        "echo hello > notes.txt",
        "grep -r attesta docs/ | head",
    ] {
        assert_eq!(shell(cmd), None, "{cmd}");
    }
}

#[test]
fn file_tools_and_exceptions() {
    let write = ctx(
        "Write",
        json!({"file_path": "/home/u/project/.mcp.json", "content": "{}"}),
    );
    assert!(Protection::default().check(&write).is_some());
    assert!(
        Protection::default()
            .allow("/home/u/project/.mcp.json")
            .check(&write)
            .is_none()
    );
    let read = ctx("Read", json!({"file_path": "/home/u/project/.mcp.json"}));
    assert!(Protection::default().check(&read).is_none());
    let content = ctx(
        "Write",
        json!({"file_path": "/home/u/project/README.md", "content": "see attesta.yaml and .claude/settings.json"}),
    );
    assert!(Protection::default().check(&content).is_none());
    let custom = ctx("Write", json!({"file_path": "/var/log/gate.jsonl.lock"}));
    assert!(
        Protection::default()
            .protect("/var/log/gate.jsonl")
            .check(&custom)
            .is_some()
    );
    let patch = ctx(
        "apply_patch",
        json!({"updates": ["/home/u/project/src/lib.rs"], "moves_to": ["/home/u/project/old/attesta.yaml"]}),
    );
    assert!(Protection::default().check(&patch).is_some());
}

proptest::proptest! {
    /// The lexer never panics, whatever the command text.
    #[test]
    fn any_command_text_is_handled(text in "\\PC{0,200}") {
        let _ = shell(&text);
    }

    /// However a protected name is cut into quoted, escaped or plain pieces, it is found.
    #[test]
    fn quoting_never_hides_a_protected_name(
        name in proptest::sample::select(vec!["attesta.yaml", ".attesta/audit.jsonl", ".claude/settings.json", ".mcp.json", ".codex/hooks.json"]),
        cuts in proptest::collection::vec((1usize..6, 0u8..4), 1..6),
        program in proptest::sample::select(vec!["rm", "mv", "cp /tmp/x", "truncate -s0", "chmod 000", "sudo rm -f", "echo x >"]),
    ) {
        let mut word = String::new();
        let mut rest = name;
        for (len, style) in cuts {
            if rest.is_empty() { break; }
            let at = rest.char_indices().nth(len).map_or(rest.len(), |(i, _)| i);
            let (piece, tail) = rest.split_at(at);
            rest = tail;
            match style {
                0 => word.push_str(piece),
                1 => { word.push('\''); word.push_str(piece); word.push('\''); }
                2 => { word.push('"'); word.push_str(piece); word.push('"'); }
                _ => { for c in piece.chars() { word.push('\\'); word.push(c); } }
            }
        }
        word.push_str(rest);
        let cmd = format!("{program} {word}");
        proptest::prop_assert!(shell(&cmd).is_some(), "{}", cmd);
    }
}

#[test]
fn globs() {
    assert!(glob_match("attesta.y*ml", "attesta.yaml"));
    assert!(glob_match(".atte?ta", ".attesta"));
    assert!(glob_match("[a]ttesta.yaml", "attesta.yaml"));
    assert!(!glob_match("*.rs", "attesta.yaml"));
}
