import { Controller, Get, Headers, NotFoundException, Res } from '@nestjs/common';
import type { Response } from 'express';
import { safeEqual, unauthorized } from '@one-api/server-common';
import { AppConfig } from '@one-api/server-config';
import { MetricsService } from './metrics.service';

/** GET /metrics in the Prometheus text format (ENABLE_PROMETHEUS_METRICS; bearer METRICS_TOKEN when set). */
@Controller('metrics')
export class MetricsController {
  constructor(
    private readonly metrics: MetricsService,
    private readonly config: AppConfig,
  ) {}

  @Get()
  async scrape(
    @Headers('authorization') authorization: string | undefined,
    @Res() res: Response,
  ): Promise<void> {
    if (!this.metrics.enabled) throw new NotFoundException('Cannot GET /metrics');
    const token = this.config.metricsToken;
    if (token && !safeEqual(authorization ?? '', `Bearer ${token}`))
      throw unauthorized('metrics token required');
    res.setHeader('Content-Type', this.metrics.registry.contentType);
    res.end(await this.metrics.registry.metrics());
  }
}
