// Where one auto-approved `evaluate` spends its time across the napi boundary: the pieces of
// `await attesta.evaluate(ctx)` timed alone: the median wall time of N calls each, and the mean
// CPU time (user + system) per call over the same loop.
//
//   node crates/attesta-node/bench/breakdown.cjs [N]
//
// Build the addon in release mode first (`napi build --platform --release --no-js --dts native.d.ts`, which leaves the hand-written index.d.ts alone).
'use strict';
const native = require('../lib/native.cjs');
const common = require('../lib/common.cjs');

const N = Number(process.argv[2] || 50000);
function median(fn) {
  for (let i = 0; i < Math.min(2000, N); i++) fn();
  const samples = new Float64Array(N);
  const cpu = process.cpuUsage();
  for (let i = 0; i < N; i++) {
    const start = process.hrtime.bigint();
    fn();
    samples[i] = Number(process.hrtime.bigint() - start);
  }
  const used = process.cpuUsage(cpu);
  samples.sort();
  return [(samples[N >> 1] / 1000).toFixed(2), ((used.user + used.system) / N).toFixed(2)];
}

const pipeline = new native.Pipeline({ audit: false, trust: false });
const ctx = { functionName: 'read_file', kwargs: { path: 'notes.txt' } };
const json = common.wireJson(ctx, 'node');
const out = pipeline.evaluate(json);
if (typeof out !== 'string' || !out.startsWith('["approved"')) throw new Error('not auto-approved');
const head = out.slice(0, out.indexOf('\n'));
const rows = [
  ['serialise the context (wireJson)', () => common.wireJson(ctx, 'node')],
  ['native evaluate (pipeline + result text)', () => pipeline.evaluate(json)],
  ['native assess (scoring + assessment text)', () => pipeline.assess(json)],
  ['native defaultScore (scorer alone)', () => native.defaultScore(json)],
  ['JSON.parse of the result head', () => JSON.parse(head)],
  ['an empty native call', () => native.nativeVersion()],
];
console.log(`node ${process.version}, ${N} calls per row`);
console.log(`${''.padEnd(45)} ${'median µs'.padStart(10)} ${'cpu µs'.padStart(8)}`);
for (const [label, fn] of rows) {
  const [wall, cpu] = median(fn);
  console.log(`${label.padEnd(45)} ${wall.padStart(10)} ${cpu.padStart(8)}`);
}
