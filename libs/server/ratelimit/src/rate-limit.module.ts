import { Module } from '@nestjs/common';
import { MetricsModule } from '@one-api/server-metrics';
import { RateLimitService } from './rate-limit.service';

@Module({
  imports: [MetricsModule],
  providers: [RateLimitService],
  exports: [RateLimitService],
})
export class RateLimitModule {}
