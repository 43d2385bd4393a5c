import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { loadConfigOrExit } from '@one-api/server-config';
import { RequestContextService } from '@one-api/server-tracing';
import { createApp } from './create-app';
import { installGracefulShutdown } from './graceful-shutdown';
import { startIdleMemoryRelease } from './idle-memory';

async function main(): Promise<void> {
  const config = loadConfigOrExit();
  const app = await createApp(config);
  await app.listen(config.port, config.host);
  installGracefulShutdown(app);
  startIdleMemoryRelease(app.get(RequestContextService), config.memoryReleaseIdleMs);
  new Logger('Bootstrap').log(`One API gateway listening on http://${config.host}:${config.port}`);
}

void main();
