import type { NestExpressApplication } from '@nestjs/platform-express';
import { Logger } from 'nestjs-pino';

/** The least time closing the app gets, even with SHUTDOWN_TIMEOUT=0. */
const MIN_SHUTDOWN_MS = 1000;
/** Time kept at the end of the shutdown budget to close the pool and clients after connections are cut. */
const CLOSE_RESERVE_MS = 1000;

/**
 * Graceful shutdown on SIGTERM/SIGINT: stop accepting connections, let in-flight requests finish
 * (keep-alive sockets are closed as soon as they fall idle), cut whatever is still open shortly
 * before the deadline, then close the application — sweeper, database pool, store clients — and
 * exit 0. Nest's own shutdown hooks would close the pool before the HTTP server has drained.
 *
 * The deadline is hard: the process exits `timeoutMs` after the signal whatever is still pending
 * (exit code 1). Closing can hang on its own — the pool waits for checked-out connections and says
 * goodbye to the server, which never answers when the database is frozen — and an orchestrator
 * waiting for the exit should not have to kill it.
 */
export function installGracefulShutdown(app: NestExpressApplication, timeoutMs: number): void {
  const server = app.getHttpServer();
  const logger = app.get(Logger);
  let started = false;

  const shutdown = async (signal: NodeJS.Signals) => {
    if (started) return;
    started = true;
    const hardDeadlineMs = Math.max(timeoutMs, MIN_SHUTDOWN_MS);
    const cutConnectionsAtMs = Math.min(timeoutMs, hardDeadlineMs - Math.min(CLOSE_RESERVE_MS, hardDeadlineMs / 2));
    // Messages go in `msg`: the Nest logger takes a second argument as the context, not the message.
    logger.log({ msg: 'Shutting down: draining in-flight requests', signal, timeoutMs: hardDeadlineMs });
    setTimeout(() => {
      logger.warn({
        msg: 'Shutdown deadline reached before the app closed (a dependency did not answer): exiting',
        timeoutMs: hardDeadlineMs,
      });
      process.exit(1);
    }, hardDeadlineMs).unref();

    const drained = new Promise<void>((resolve) => server.close(() => resolve()));
    const idleSweep = setInterval(() => server.closeIdleConnections(), 50);
    const cut = setTimeout(() => {
      logger.warn('Shutdown deadline near: closing the remaining connections');
      server.closeAllConnections();
    }, cutConnectionsAtMs);
    server.closeIdleConnections();
    await drained;
    clearInterval(idleSweep);
    clearTimeout(cut);
    try {
      await app.close();
      logger.log('Shutdown complete');
      process.exit(0);
    } catch (error) {
      logger.error({ msg: 'Shutdown failed', err: error });
      process.exit(1);
    }
  };

  for (const signal of ['SIGTERM', 'SIGINT'] as const) process.once(signal, (received) => void shutdown(received));
}
