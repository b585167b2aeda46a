// Load generator process for bench/run.ts: autocannon with one bearer token per connection
// (so per-user locks and quotas are exercised as many users would). Prints autocannon's result as JSON.
import autocannon from 'autocannon';

const options = JSON.parse(process.argv[2]);
let next = 0;
const result = await autocannon({
  url: options.url,
  method: options.method,
  body: options.body,
  connections: options.connections,
  duration: options.duration,
  headers: { 'Content-Type': 'application/json' },
  setupClient: (client) => {
    const token = options.tokens[next++ % options.tokens.length];
    client.setHeaders({ 'Content-Type': 'application/json', Authorization: `Bearer ${token}` });
  },
});
process.stdout.write(JSON.stringify(result));
