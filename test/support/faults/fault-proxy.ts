import http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

import { waitFor } from './wait.js';

/** What the proxy did with one request. */
export type FaultApplied = 'none' | 'fail-500' | 'fail-503' | 'reset' | 'drop-answer' | 'delay';

/** One request seen by the proxy, in arrival order. */
export interface SeenRequest {
  method: string;
  /** Path without the query string, e.g. `/bucket/key`. */
  path: string;
  query: URLSearchParams;
  /** The S3 operation the request is (`HeadObject`, `DeleteObject`, `CreateMultipartUpload`…), see `s3Operation`. */
  operation: string;
  fault: FaultApplied;
  /** The status the client got (the store's, or the injected one); undefined when it got none. */
  status?: number;
  /** True once the proxy is done with it: answered, failed, answer dropped, or the client left. */
  done: boolean;
}

/** Which requests a fault applies to; every given field must match. Empty: every request. */
export interface RequestMatch {
  method?: string;
  /** One operation or several, as named by `s3Operation`. */
  operation?: string | string[];
  /** Exact path or a pattern tested against it. */
  path?: string | RegExp;
  where?: (request: SeenRequest) => boolean;
}

type Rule =
  | { kind: 'fail'; how: 500 | 503 | 'reset'; remaining: number; match: RequestMatch }
  | { kind: 'drop-answer'; remaining: number; match: RequestMatch }
  | { kind: 'delay'; ms: number; match: RequestMatch };

export interface FaultProxy {
  /** Point the app's S3_ENDPOINT here. */
  url: string;
  port: number;
  /**
   * The next `n` matching requests are not forwarded: they get `how` (500 InternalError or 503
   * ServiceUnavailable, as S3 XML) or, with 'reset', the connection is reset without an answer.
   * The store never sees them. Note the SDK retries: one app-level store call makes up to
   * STORAGE_MAX_ATTEMPTS requests, and each counts.
   */
  failNext(n: number, how?: 500 | 503 | 'reset', match?: RequestMatch): void;
  /**
   * The next `n` matching requests are forwarded and fully answered by the store (so it applied
   * them), then the client's connection is destroyed before it gets the answer: "the store did it,
   * the caller cannot know".
   */
  dropAnswerNext(n: number, match?: RequestMatch): void;
  /** Every matching request waits `ms` before it is forwarded, until `pass()`. */
  delay(ms: number, match?: RequestMatch): void;
  /** Removes every fault: requests pass through untouched. Requests already delayed keep waiting. */
  pass(): void;
  /** Every request seen so far (or those matching `match`). */
  seen(match?: RequestMatch): SeenRequest[];
  clearLog(): void;
  /** Waits (bounded) until a request matching `match` has been handled, and returns it. */
  waitForRequest(match: RequestMatch, timeoutMs?: number): Promise<SeenRequest>;
  /** Stops listening and destroys every open connection. */
  close(): Promise<void>;
}

/**
 * An HTTP proxy in front of the S3 store that injects faults the store itself cannot be made to
 * produce on demand: errors, connection resets, lost answers of applied requests, delays. Requests
 * are forwarded byte for byte (the Host header included), so SigV4 signatures stay valid.
 * If the store is down, forwarded requests get their connection reset (the proxy cannot refuse a
 * connection it already accepted).
 */
export async function startFaultProxy(target: string): Promise<FaultProxy> {
  const upstream = new URL(target);
  const agent = new http.Agent({ keepAlive: false });
  const log: SeenRequest[] = [];
  let rules: Rule[] = [];
  const sockets = new Set<Socket>();
  const timers = new Set<NodeJS.Timeout>();

  const takeRule = (request: SeenRequest): Rule | undefined => {
    const rule = rules.find((r) => matches(r.match, request) && (r.kind === 'delay' || r.remaining > 0));
    if (rule && rule.kind !== 'delay') rule.remaining -= 1;
    return rule;
  };

  const forward = (req: http.IncomingMessage, res: http.ServerResponse, seen: SeenRequest, dropAnswer: boolean) => {
    const outgoing = http.request(
      { host: upstream.hostname, port: upstream.port, method: req.method, path: req.url, headers: req.headers, agent },
      (answer) => {
        if (dropAnswer) {
          // Read the store's whole answer (it has applied the request), then lose it.
          answer.resume();
          answer.on('end', () => {
            seen.done = true;
            req.socket.destroy();
          });
          return;
        }
        seen.status = answer.statusCode;
        res.writeHead(answer.statusCode ?? 502, answer.statusMessage, answer.rawHeaders);
        answer.pipe(res);
        answer.on('end', () => (seen.done = true));
      },
    );
    outgoing.on('error', () => {
      seen.done = true;
      req.socket.destroy();
    });
    // The caller gave up (its own timeout): stop talking to the store on its behalf.
    res.on('close', () => {
      if (!res.writableFinished) {
        seen.done = true;
        outgoing.destroy();
      }
    });
    req.pipe(outgoing);
  };

  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://proxy');
    const seen: SeenRequest = {
      method: req.method ?? 'GET',
      path: url.pathname,
      query: url.searchParams,
      operation: s3Operation(req.method ?? 'GET', url.pathname, url.searchParams),
      fault: 'none',
      done: false,
    };
    log.push(seen);
    const rule = takeRule(seen);
    if (rule?.kind === 'fail') {
      if (rule.how === 'reset') {
        seen.fault = 'reset';
        seen.done = true;
        req.socket.resetAndDestroy();
        return;
      }
      const status = rule.how;
      seen.fault = status === 500 ? 'fail-500' : 'fail-503';
      seen.status = status;
      req.resume();
      req.on('end', () => {
        const code = status === 500 ? 'InternalError' : 'ServiceUnavailable';
        res.writeHead(status, { 'Content-Type': 'application/xml' });
        res.end(
          req.method === 'HEAD'
            ? undefined
            : `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${code}</Code><Message>Injected by the fault proxy</Message></Error>`,
        );
        seen.done = true;
      });
      return;
    }
    if (rule?.kind === 'delay') {
      seen.fault = 'delay';
      req.pause();
      const timer = setTimeout(() => {
        timers.delete(timer);
        if (req.socket.destroyed) {
          seen.done = true;
          return;
        }
        forward(req, res, seen, false);
      }, rule.ms);
      timers.add(timer);
      return;
    }
    if (rule?.kind === 'drop-answer') seen.fault = 'drop-answer';
    forward(req, res, seen, rule?.kind === 'drop-answer');
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}`,
    port,
    failNext(n, how = 503, match = {}) {
      rules.push({ kind: 'fail', how, remaining: n, match });
    },
    dropAnswerNext(n, match = {}) {
      rules.push({ kind: 'drop-answer', remaining: n, match });
    },
    delay(ms, match = {}) {
      rules.push({ kind: 'delay', ms, match });
    },
    pass() {
      rules = [];
    },
    seen: (match) => (match ? log.filter((request) => matches(match, request)) : [...log]),
    clearLog() {
      log.length = 0;
    },
    waitForRequest: (match, timeoutMs = 15_000) =>
      waitFor(`a proxied request matching ${describe(match)}`, () => log.find((request) => request.done && matches(match, request)), {
        timeoutMs,
      }),
    async close() {
      rules = [];
      for (const timer of timers) clearTimeout(timer);
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      for (const socket of sockets) socket.destroy();
      agent.destroy();
      await closed;
    },
  };
}

function matches(match: RequestMatch, request: SeenRequest): boolean {
  if (match.method && match.method.toUpperCase() !== request.method) return false;
  if (match.operation && ![match.operation].flat().includes(request.operation)) return false;
  if (typeof match.path === 'string' && match.path !== request.path) return false;
  if (match.path instanceof RegExp && !match.path.test(request.path)) return false;
  return match.where ? match.where(request) : true;
}

function describe(match: RequestMatch): string {
  const { where, path, ...rest } = match;
  return JSON.stringify({ ...rest, ...(path ? { path: String(path) } : {}), ...(where ? { where: 'fn' } : {}) });
}

/**
 * The S3 operation of a path-style request (`/bucket` or `/bucket/key`), from its method, path and
 * query — the names of the S3 API, so faults read like `{ operation: 'DeleteObject' }`.
 */
export function s3Operation(method: string, path: string, query: URLSearchParams): string {
  const objectLevel = /^\/[^/]+\/.+/.test(path);
  const has = (name: string) => query.has(name);
  if (!objectLevel) {
    if (method === 'HEAD') return 'HeadBucket';
    if (has('cors')) return method === 'PUT' ? 'PutBucketCors' : method === 'DELETE' ? 'DeleteBucketCors' : 'GetBucketCors';
    if (method === 'POST' && has('delete')) return 'DeleteObjects';
    if (method === 'GET') return query.get('list-type') === '2' ? 'ListObjectsV2' : has('uploads') ? 'ListMultipartUploads' : 'ListObjects';
    if (method === 'PUT') return 'CreateBucket';
    if (method === 'DELETE') return 'DeleteBucket';
    return `${method} bucket`;
  }
  switch (method) {
    case 'HEAD':
      return 'HeadObject';
    case 'GET':
      return has('uploadId') ? 'ListParts' : 'GetObject';
    case 'PUT':
      return has('uploadId') && has('partNumber') ? 'UploadPart' : 'PutObject';
    case 'POST':
      return has('uploads') ? 'CreateMultipartUpload' : has('uploadId') ? 'CompleteMultipartUpload' : 'PostObject';
    case 'DELETE':
      return has('uploadId') ? 'AbortMultipartUpload' : 'DeleteObject';
    default:
      return `${method} object`;
  }
}
