import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { INestApplication, Logger } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { NestExpressApplication } from '@nestjs/platform-express';
import cookieParser from 'cookie-parser';
import express, { NextFunction, Request, Response } from 'express';
import { AppConfig } from '@one-api/server-config';
import { createValidationPipe, HttpErrorFilter } from '@one-api/server-common';
import { MetricsService } from '@one-api/server-metrics';
import { RateLimitService } from '@one-api/server-ratelimit';
import { isFastRelayPath, RelayService, relayFastLane } from '@one-api/server-relay';
import { createPino, logLevelOf, PinoNestLogger, RequestContextService } from '@one-api/server-tracing';
import { adminSecurityHeaders } from './admin-security-headers';
import { AppModule } from './app.module';
import { jsonDepthExceeds, jsonDepthLimit, MAX_JSON_DEPTH } from './json-depth-limit';
import { installRelayFront } from './relay-front';

const API_PREFIXES = ['/api', '/v1', '/dashboard', '/metrics'];
const BODY_LIMIT = '64mb';
const BODY_LIMIT_BYTES = 64 * 1024 * 1024;

function adminBuildDir(config: AppConfig): string | undefined {
  const candidates = [config.adminStaticDir, resolve(__dirname, '../../admin/out')].filter(
    Boolean,
  ) as string[];
  return candidates.find((dir) => existsSync(join(dir, 'index.html')));
}

/** Builds the HTTP app: JSON bodies, cookies, validation, error shapes, the admin app at `/`. */
export async function createApp(config?: AppConfig): Promise<INestApplication> {
  const app = await NestFactory.create<NestExpressApplication>(AppModule.forRoot(config), {
    bodyParser: false,
    bufferLogs: true,
  });
  const cfg = app.get(AppConfig);
  // Structured JSON logs (pino); every request gets a request id, a trace id and one access-log line.
  const pino = createPino(logLevelOf(cfg, process.env.NODE_ENV === 'test'));
  app.useLogger(new PinoNestLogger(pino));
  const requests = app.get(RequestContextService);
  requests.useLogger(pino);
  // Every request passes these, the relay routes served by installRelayFront (below) included.
  const everyRequest = [
    requests.middleware(),
    app.get(MetricsService).httpMiddleware(),
    app.get(RateLimitService).middleware(),
  ];
  for (const middleware of everyRequest) app.use(middleware);
  app.disable('x-powered-by');
  app.set('trust proxy', 'loopback, linklocal, uniquelocal');
  app.set('query parser', 'extended');
  const parseCookies = cookieParser();
  app.use((req: Request, res: Response, next: NextFunction) =>
    isFastRelayPath(req.path) ? next() : parseCookies(req, res, next),
  );
  // Claude Code and some SDK setups double the version prefix; One API's fork accepts these spellings too.
  app.use((req: Request, _res: Response, next: NextFunction) => {
    if (!req.url.includes('/messages')) return next();
    const fixed = req.url.replace(
      /^(?:\/openai|\/api)?\/v1\/v1\/messages|^\/openai\/v1\/messages/,
      '/v1/messages',
    );
    if (fixed !== req.url) req.url = fixed;
    next();
  });
  // The raw bytes are kept (no copy: the parser's own buffer) for formats relayed byte for byte.
  app.use(
    express.json({
      limit: BODY_LIMIT,
      verify: (req, _res, buf) => {
        (req as Request & { rawBody?: Buffer }).rawBody = buf;
      },
    }),
  );
  app.use(jsonDepthLimit());
  const lane = relayFastLane(app.get(RelayService));
  app.use(lane);
  app.useGlobalPipes(createValidationPipe());
  app.useGlobalFilters(new HttpErrorFilter());
  // Signals are handled by installGracefulShutdown (main.ts): drain first, then close.

  const adminDir = adminBuildDir(cfg);
  if (adminDir) {
    const staticFiles = express.static(adminDir, { index: 'index.html', extensions: ['html'], maxAge: '1h' });
    const securityHeaders = adminSecurityHeaders();
    app.use((req: Request, res: Response, next: NextFunction) => {
      if (API_PREFIXES.some((p) => req.path === p || req.path.startsWith(`${p}/`))) return next();
      securityHeaders(req, res, () =>
        staticFiles(req, res, () => {
          if (req.method !== 'GET' && req.method !== 'HEAD') return next();
          res.sendFile(join(adminDir, 'index.html'));
        }),
      );
    });
  } else {
    new Logger('Admin').warn('Admin app build not found: run `npm run build` to serve it at /');
  }

  await app.init();
  installRelayFront(app.getHttpServer(), {
    express: app.getHttpAdapter().getInstance(),
    before: everyRequest,
    bodyLimitBytes: BODY_LIMIT_BYTES,
    jsonTooDeep: (raw) =>
      jsonDepthExceeds(raw, MAX_JSON_DEPTH)
        ? `request body JSON is nested deeper than ${MAX_JSON_DEPTH} levels`
        : undefined,
    lane,
  });
  return app;
}
