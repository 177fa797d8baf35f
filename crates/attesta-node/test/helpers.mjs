// Shared test helpers: temporary directories, the real `attesta` binary, waiting for processes.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawn, spawnSync } from 'node:child_process';

export function tempDir(t) {
  const dir = mkdtempSync(join(tmpdir(), 'attesta-node-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** The `attesta` binary the suite runs against (scripts/test-node.sh builds it). */
export function attestaBin() {
  const bin = process.env.ATTESTA_BIN;
  if (!bin) throw new Error('ATTESTA_BIN must name the attesta binary (scripts/test-node.sh sets it)');
  return bin;
}

export function cli(args, options = {}) {
  const out = spawnSync(attestaBin(), args, { encoding: 'utf8', ...options });
  if (out.error) throw out.error;
  return out;
}

/** Runs a process to completion; resolves with { code, stdout, stderr }. */
export function run(cmd, args, options = {}) {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'], ...options });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}
