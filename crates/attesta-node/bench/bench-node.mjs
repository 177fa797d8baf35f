// Per-call overhead of @kyberon/attesta from Node.js (auto-approved, LOW-risk actions).
//
//   node crates/attesta-node/bench/bench-node.mjs [--iterations N]
//
// Measures, per call, the median and 99th percentile of:
// - `await attesta.evaluate(ctx)` of an auto-approved action,
// - a gated async function minus the same ungated function,
// each with the audit log off, and with it on at `durability: none` and `always` (fsync), and the
// mean CPU time (user + system, `process.cpuUsage`) per call over the same loop, which a busy
// machine inflates less than wall time.
// Build the addon in release mode first (`napi build --platform --release --no-js --dts native.d.ts`, which leaves the hand-written index.d.ts alone).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir, cpus, arch } from 'node:os';
import { join } from 'node:path';
import { Attesta } from '@kyberon/attesta';

const arg = process.argv.indexOf('--iterations');
const n = arg > 0 ? Number(process.argv[arg + 1]) : 20000;

function summary(samples) {
  samples.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  const median = samples[Math.floor(samples.length / 2)];
  const p99 = samples[Math.floor(samples.length * 0.99) - 1];
  return [Number(median) / 1000, Number(p99) / 1000];
}

let lastCpu = 0;
async function bench(fn, iterations) {
  for (let i = 0; i < Math.min(1000, iterations); i++) await fn();
  const samples = new Array(iterations);
  const cpu = process.cpuUsage();
  for (let i = 0; i < iterations; i++) {
    const start = process.hrtime.bigint();
    await fn();
    samples[i] = process.hrtime.bigint() - start;
  }
  const used = process.cpuUsage(cpu);
  lastCpu = (used.user + used.system) / iterations;
  return samples;
}

const pad = (s, w) => s + ' '.repeat(Math.max(0, w - s.length));
const row = (label, median, p99, cpu) =>
  console.log(`${pad(label, 55)} ${median.toFixed(2).padStart(10)} ${p99.toFixed(2).padStart(10)} ${cpu.toFixed(2).padStart(10)}`);
console.log(`node ${process.version} on ${arch()}, ${cpus().length} cpus, ${n} iterations per row`);
console.log(`${pad('what', 55)} ${'median µs'.padStart(10)} ${'p99 µs'.padStart(10)} ${'cpu µs'.padStart(10)}`);

const plain = async (path) => path;
const [base] = summary(await bench(() => plain('notes.txt'), n));
const baseCpu = lastCpu;

const dir = mkdtempSync(join(tmpdir(), 'attesta-bench-'));
try {
  const pipelines = [['audit off', new Attesta({ audit: false, trust: false })]];
  for (const durability of ['none', 'always']) {
    pipelines.push([`audit on (${durability})`, new Attesta({
      config: { audit: { path: join(dir, `audit-${durability}.jsonl`), durability }, trust: { enabled: false } },
    })]);
  }
  const ctx = { functionName: 'read_file', kwargs: { path: 'notes.txt' } };
  for (const [label, attesta] of pipelines) {
    const iterations = label.includes('always') ? Math.max(200, Math.floor(n / 50)) : n;
    const check = await attesta.evaluate(ctx);
    if (check.verdict !== 'approved') throw new Error(`not auto-approved: ${check.reason}`);
    const [m1, p1] = summary(await bench(() => attesta.evaluate(ctx), iterations));
    row(`await attesta.evaluate(ctx), ${label}`, m1, p1, lastCpu);
    const readFile = attesta.gate(async function read_file(path) { return path; });
    const [m2, p2] = summary(await bench(() => readFile('notes.txt'), iterations));
    row(`gate(fn) overhead, ${label}`, m2 - base, p2, lastCpu - baseCpu);
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
