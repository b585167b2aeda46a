import 'reflect-metadata';

import { existsSync } from 'node:fs';
import type { AddressInfo } from 'node:net';

import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { Logger } from 'nestjs-pino';

import { configureApp } from './app.setup.js';
import { installGracefulShutdown } from './app.shutdown.js';
import { ExpressHttpAdapter } from './common/http/express-http-adapter.js';
import { type AppConfig, appConfig, currentEnvironment } from './config/configuration.js';
import { InvalidEnvironmentError } from './config/environment.js';

export async function bootstrap(): Promise<NestExpressApplication> {
  // The module graph validates the configuration as it loads; importing it only after the check
  // below keeps a bad environment to one clear message instead of a stack trace.
  const { AppModule } = await import('./app.module.js');
  const app = await NestFactory.create<NestExpressApplication>(AppModule, new ExpressHttpAdapter(), {
    bufferLogs: true,
    bodyParser: false,
  });
  await configureApp(app);
  const { port } = app.get<AppConfig>(appConfig.KEY);
  await app.listen(port);
  const address = app.getHttpServer().address() as AddressInfo;
  // nestjs-pino's Logger reads a second argument as the context: the message goes in `msg`.
  app.get(Logger).log({ msg: `r2-files listening on http://localhost:${address.port}`, port: address.port });
  return app;
}

/** Fails fast, listing every configuration problem at once. Variables already set win over `.env`. */
function checkEnvironment(): void {
  if (existsSync('.env')) process.loadEnvFile('.env');
  try {
    currentEnvironment();
  } catch (error) {
    if (!(error instanceof InvalidEnvironmentError)) throw error;
    console.error(`r2-files cannot start. ${error.message}\nSee .env.example for every variable.`);
    process.exit(1);
  }
}

// Started directly (`node dist/src/main.js`), not imported by the dev runner or tests.
if (import.meta.url === `file://${process.argv[1]}`) {
  checkEnvironment();
  bootstrap()
    .then((app) => installGracefulShutdown(app, app.get<AppConfig>(appConfig.KEY).shutdownTimeoutSeconds * 1000))
    .catch((error: unknown) => {
      console.error(error);
      process.exit(1);
    });
}
