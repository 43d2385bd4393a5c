import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { AppConfig, ConfigValidationError, loadConfig } from '@one-api/server-config';
import { createApp } from './create-app';

async function main(): Promise<void> {
  let config: AppConfig;
  try {
    config = loadConfig();
  } catch (error) {
    if (error instanceof ConfigValidationError) {
      console.error(error.message);
      process.exit(2);
    }
    throw error;
  }
  const app = await createApp(config);
  await app.listen(config.port, config.host);
  new Logger('Bootstrap').log(`One API gateway listening on http://${config.host}:${config.port}`);
}

void main();
