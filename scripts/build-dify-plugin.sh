#!/usr/bin/env bash
# Builds the Dify plugin package (a zip with manifest.yaml at its root) from
# integrations/dify-attesta, leaving out what .difyignore lists (gitignore syntax: `#` comments,
# `!` re-includes, a trailing `/` matches directories only, a pattern with a `/` elsewhere is
# anchored to the plugin directory, `*`/`?`/`**` globs).
#   scripts/build-dify-plugin.sh [OUTPUT.difypkg]     (default: target/dify/attesta-<version>.difypkg)
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
PLUGIN=$ROOT/integrations/dify-attesta
VERSION=$(sed -n 's/^version: *//p' "$PLUGIN/manifest.yaml" | head -n1)
OUT=${1:-$ROOT/target/dify/attesta-$VERSION.difypkg}
mkdir -p "$(dirname "$OUT")"
OUT=$(cd "$(dirname "$OUT")" && pwd)/$(basename "$OUT")

python3 - "$PLUGIN" "$OUT" <<'PY'
import os, re, sys, zipfile

plugin, out = sys.argv[1], sys.argv[2]

def compile_pattern(line):
    negate = line.startswith("!")
    if negate:
        line = line[1:]
    dir_only = line.endswith("/")
    line = line.rstrip("/")
    # A slash at the start or in the middle anchors the pattern to the plugin directory.
    anchored = "/" in line
    line = line.lstrip("/")
    regex, i = "", 0
    while i < len(line):
        if line.startswith("**/", i):
            regex += "(?:.*/)?"; i += 3
        elif line.startswith("**", i):
            regex += ".*"; i += 2
        elif line[i] == "*":
            regex += "[^/]*"; i += 1
        elif line[i] == "?":
            regex += "[^/]"; i += 1
        else:
            regex += re.escape(line[i]); i += 1
    regex = ("^" if anchored else "^(?:.*/)?") + regex + "$"
    return re.compile(regex), negate, dir_only

rules = []
ignore_file = os.path.join(plugin, ".difyignore")
if os.path.exists(ignore_file):
    with open(ignore_file, encoding="utf-8") as f:
        for raw in f:
            line = raw.rstrip("\n").rstrip()
            if line and not line.startswith("#"):
                rules.append(compile_pattern(line))

def ignored(rel, is_dir):
    result = False
    for regex, negate, dir_only in rules:
        if dir_only and not is_dir:
            continue
        if regex.match(rel):
            result = not negate
    return result

files = []
for dirpath, dirnames, filenames in os.walk(plugin):
    rel_dir = os.path.relpath(dirpath, plugin)
    rel_dir = "" if rel_dir == "." else rel_dir.replace(os.sep, "/") + "/"
    # An ignored directory is not descended into (like git, its files cannot be re-included).
    dirnames[:] = sorted(d for d in dirnames if d != ".git" and not ignored(rel_dir + d, True))
    for name in sorted(filenames):
        rel = rel_dir + name
        if not ignored(rel, False):
            files.append(rel)

for required in ("manifest.yaml", "main.py", "requirements.txt"):
    if required not in files:
        sys.exit(f"build-dify-plugin: {required} is missing or ignored; refusing to build an unusable package")

tmp = out + ".tmp"
with zipfile.ZipFile(tmp, "w", compression=zipfile.ZIP_DEFLATED) as z:
    for rel in files:
        info = zipfile.ZipInfo(rel, date_time=(2026, 1, 1, 0, 0, 0))  # reproducible archives
        info.compress_type = zipfile.ZIP_DEFLATED
        info.external_attr = 0o644 << 16
        with open(os.path.join(plugin, rel), "rb") as f:
            z.writestr(info, f.read())
os.replace(tmp, out)
sys.stderr.write(f"built {out} ({len(files)} files)\n")
PY
echo "$OUT"
