import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { loadConfigOrExit } from '@one-api/server-config';
import { createApp } from './create-app';
import { installGracefulShutdown } from './graceful-shutdown';

async function main(): Promise<void> {
  const config = loadConfigOrExit();
  const app = await createApp(config);
  await app.listen(config.port, config.host);
  installGracefulShutdown(app);
  new Logger('Bootstrap').log(`One API gateway listening on http://${config.host}:${config.port}`);
}

void main();
