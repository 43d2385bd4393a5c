import type { Server } from 'node:http';
import { INestApplication, Logger } from '@nestjs/common';
import { AppConfig } from '@one-api/server-config';
import { RequestContextService } from '@one-api/server-tracing';

/**
 * SIGTERM / SIGINT: stop accepting connections, let in-flight requests and streams finish for at most
 * SHUTDOWN_TIMEOUT_SEC (idle keep-alive connections are closed, answers carry `Connection: close`), then close the
 * app — settlements, quota and trace batches are written before the database closes — and exit.
 * A second signal exits at once.
 */
export function installGracefulShutdown(app: INestApplication): void {
  const logger = new Logger('Shutdown');
  const timeoutMs = app.get(AppConfig).shutdownTimeoutSec * 1000;
  const requests = app.get(RequestContextService);
  let stopping = false;

  const stop = async (signal: NodeJS.Signals) => {
    if (stopping) {
      logger.warn(`${signal} again: exiting now`);
      process.exit(1);
    }
    stopping = true;
    const server = app.getHttpServer() as Server;
    logger.log(`${signal}: no new connections; waiting for ${requests.inFlight} request(s) in flight`);
    requests.draining = true;
    server.close();
    server.closeIdleConnections();
    const sweeper = setInterval(() => server.closeIdleConnections(), 200);
    const drained = await requests.whenIdle(timeoutMs);
    clearInterval(sweeper);
    if (!drained) {
      logger.warn(`${requests.inFlight} request(s) still open after ${timeoutMs / 1000} s: closing them`);
      server.closeAllConnections();
    }
    try {
      await app.close();
      logger.log('stopped');
      process.exit(0);
    } catch (error) {
      logger.error(`shutdown failed: ${(error as Error).message}`);
      process.exit(1);
    }
  };
  process.on('SIGTERM', (s) => void stop(s));
  process.on('SIGINT', (s) => void stop(s));
}
