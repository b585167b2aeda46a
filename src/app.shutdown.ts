import type { NestExpressApplication } from '@nestjs/platform-express';
import { Logger } from 'nestjs-pino';

/**
 * Graceful shutdown on SIGTERM/SIGINT: stop accepting connections, let in-flight requests finish
 * (keep-alive sockets are closed as soon as they fall idle), cut whatever is still open after
 * `timeoutMs`, then close the application — sweeper, database pool, store clients — and exit.
 * Nest's own shutdown hooks would close the pool before the HTTP server has drained.
 */
export function installGracefulShutdown(app: NestExpressApplication, timeoutMs: number): void {
  const server = app.getHttpServer();
  const logger = app.get(Logger);
  let started = false;

  const shutdown = async (signal: NodeJS.Signals) => {
    if (started) return;
    started = true;
    logger.log({ signal, timeoutMs }, 'Shutting down: draining in-flight requests');
    const drained = new Promise<void>((resolve) => server.close(() => resolve()));
    const idleSweep = setInterval(() => server.closeIdleConnections(), 50);
    const deadline = setTimeout(() => {
      logger.warn('Shutdown deadline reached: closing the remaining connections');
      server.closeAllConnections();
    }, timeoutMs);
    server.closeIdleConnections();
    await drained;
    clearInterval(idleSweep);
    clearTimeout(deadline);
    try {
      await app.close();
      logger.log('Shutdown complete');
      process.exit(0);
    } catch (error) {
      logger.error({ err: error }, 'Shutdown failed');
      process.exit(1);
    }
  };

  for (const signal of ['SIGTERM', 'SIGINT'] as const) process.once(signal, (received) => void shutdown(received));
}
