import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { loadConfigOrExit } from '@one-api/server-config';
import { WorkerModule } from './worker.module';

async function main(): Promise<void> {
  const app = await NestFactory.createApplicationContext(WorkerModule.forRoot(loadConfigOrExit()));
  app.enableShutdownHooks();
  await app.init();
  new Logger('Worker').log('Worker started: database ready, waiting for jobs');
}

void main();
