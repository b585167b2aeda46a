// Load generator process for bench/run.ts. Prints a JSON result:
// { requests: { average, total }, latency: { p50, p99, average }, non2xx, errors }.
// - closed loop (default): autocannon, `connections` requests always in flight;
// - open loop (`overallRate`): requests started at evenly spaced instants, whatever the answers
//   take, as independent clients arrive. autocannon's own rate limit sends each second's quota in
//   one burst, which measures its queueing rather than the server's latency.
// Bearer tokens are taken in turn per request, so per-user locks and quotas see many users.
// Several `urls` (API instances) share the load: the closed loop gives each its share of the
// connections (figures summed; latency percentiles are the worst instance's), the open loop sends
// requests to them in turn.
import { readFileSync } from 'node:fs';
import { Agent, request } from 'node:http';

import autocannon from 'autocannon';

const options = JSON.parse(readFileSync(process.argv[2], 'utf8'));
let next = 0;
const headers = () => ({ 'Content-Type': 'application/json', Authorization: `Bearer ${options.tokens[next++ % options.tokens.length]}` });
const result = options.overallRate ? await openLoop() : await closedLoop();
process.stdout.write(JSON.stringify(result));

async function closedLoop() {
  const results = await Promise.all(
    options.urls.map((url) =>
      autocannon({
        url,
        connections: Math.ceil(options.connections / options.urls.length),
        duration: options.duration,
        requests: [{ method: options.method, body: options.body, setupRequest: (req) => ({ ...req, headers: headers() }) }],
      }),
    ),
  );
  const sum = (pick) => results.reduce((total, result) => total + pick(result), 0);
  const worst = (pick) => Math.max(...results.map(pick));
  return {
    requests: { average: sum((r) => r.requests.average), total: sum((r) => r.requests.total) },
    latency: { p50: worst((r) => r.latency.p50), p99: worst((r) => r.latency.p99), average: worst((r) => r.latency.average) },
    non2xx: sum((r) => r.non2xx),
    errors: sum((r) => r.errors),
  };
}

async function openLoop() {
  const agent = new Agent({ keepAlive: true, maxSockets: options.connections });
  const latencies = [];
  let sent = 0;
  let non2xx = 0;
  let errors = 0;
  const send = () =>
    new Promise((resolve) => {
      const started = performance.now();
      const req = request(options.urls[sent++ % options.urls.length], { method: options.method, agent, headers: headers() }, (res) => {
        res.resume();
        res.on('end', () => {
          latencies.push(performance.now() - started);
          if (res.statusCode < 200 || res.statusCode > 299) non2xx += 1;
          resolve();
        });
      });
      req.on('error', () => {
        errors += 1;
        resolve();
      });
      req.end(options.body);
    });
  const total = options.overallRate * options.duration;
  const interval = 1000 / options.overallRate;
  const start = performance.now();
  const inFlight = [];
  for (let i = 0; i < total; i += 1) {
    const due = start + i * interval;
    const wait = due - performance.now();
    if (wait > 1) await new Promise((resolve) => setTimeout(resolve, wait));
    inFlight.push(send());
  }
  await Promise.all(inFlight);
  agent.destroy();
  const seconds = (performance.now() - start) / 1000;
  latencies.sort((a, b) => a - b);
  const at = (p) => Number((latencies[Math.min(latencies.length - 1, Math.floor((p / 100) * latencies.length))] ?? 0).toFixed(1));
  const average = latencies.reduce((sum, value) => sum + value, 0) / (latencies.length || 1);
  return {
    requests: { average: latencies.length / seconds, total: latencies.length },
    latency: { p50: at(50), p99: at(99), average },
    non2xx,
    errors,
  };
}
