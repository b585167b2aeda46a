// Prints the functions with the most self time in a V8 .cpuprofile (node --cpu-prof output).
import { readFileSync } from 'node:fs';

const profile = JSON.parse(readFileSync(process.argv[2], 'utf8'));
const limit = Number(process.argv[3] ?? 25);
const interval = (profile.endTime - profile.startTime) / profile.samples.length;
const selfTime = new Map();
const byId = new Map(profile.nodes.map((node) => [node.id, node]));
const counts = new Map();
for (const id of profile.samples) counts.set(id, (counts.get(id) ?? 0) + 1);
for (const [id, count] of counts) {
  const { callFrame } = byId.get(id);
  const file = callFrame.url.replace(/^.*node_modules\//, '').replace(/^file:\/\/.*\/dist\//, 'dist/');
  const name = `${callFrame.functionName || '(anonymous)'}  ${file}:${callFrame.lineNumber + 1}`;
  selfTime.set(name, (selfTime.get(name) ?? 0) + count * interval);
}
const total = [...selfTime.values()].reduce((a, b) => a + b, 0);
for (const [name, micros] of [...selfTime].sort((a, b) => b[1] - a[1]).slice(0, limit)) {
  console.log(`${((micros / total) * 100).toFixed(1).padStart(5)}%  ${(micros / 1000).toFixed(0).padStart(6)} ms  ${name}`);
}
