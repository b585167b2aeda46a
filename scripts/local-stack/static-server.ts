import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { createServer, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, join, normalize, sep } from 'node:path';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.map': 'application/json',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
};

export interface StaticSite {
  /** The folder served (`/` is its index.html). */
  root: string;
  /** Answered as `/config.json` (read at each request): what the page needs to know at run time (the API's URL). */
  config: Record<string, unknown>;
  port?: number;
  /** Interface to listen on; 127.0.0.1 unless said otherwise. */
  host?: string;
}

export interface RunningStaticSite {
  port: number;
  server: Server;
  stop(): Promise<void>;
}

/**
 * A page's own web server, on an origin of its own (not the API's, not the store's), as a front
 * end has in real life: `npm run dev` serves the browser example with it, the browser tests serve
 * their pages with it. GET and HEAD of files under `root` only; development and tests only.
 */
export async function serveStaticSite(site: StaticSite): Promise<RunningStaticSite> {
  const root = normalize(site.root);
  const server = createServer((request, response) => {
    void (async () => {
      const path = decodeURIComponent(new URL(request.url ?? '/', 'http://page').pathname);
      if (request.method !== 'GET' && request.method !== 'HEAD') return end(response, 405, 'method not allowed');
      if (path === '/config.json') {
        response.writeHead(200, { 'Content-Type': TYPES['.json'], 'Cache-Control': 'no-store' });
        return void response.end(JSON.stringify(site.config));
      }
      const file = normalize(join(root, path === '/' ? 'index.html' : path));
      if (!file.startsWith(root + sep)) return end(response, 404, 'not found');
      const info = await stat(file).catch(() => null);
      if (!info?.isFile()) return end(response, 404, 'not found');
      response.writeHead(200, {
        'Content-Type': TYPES[extname(file)] ?? 'application/octet-stream',
        'Content-Length': info.size,
        'Cache-Control': 'no-store',
      });
      if (request.method === 'HEAD') return void response.end();
      createReadStream(file).pipe(response);
    })().catch(() => end(response, 500, 'error'));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(site.port ?? 0, site.host ?? '127.0.0.1', () => resolve());
  });
  return {
    port: (server.address() as AddressInfo).port,
    server,
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

function end(response: ServerResponse, status: number, text: string): void {
  if (response.headersSent) return void response.destroy();
  response.writeHead(status, { 'Content-Type': 'text/plain; charset=utf-8' });
  response.end(text);
}
