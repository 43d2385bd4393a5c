import { Module } from '@nestjs/common';
import { RelayModule } from '../relay.module';
import { ExternalBillingService } from './external-billing.service';
import { TokenConsumeController } from './token-consume.controller';

/**
 * The external billing API. Listed before TokensModule in the app: its `/api/token/balance`, `/transactions` and
 * `/logs` must be routed before TokensController's `/api/token/:id`.
 */
@Module({
  imports: [RelayModule],
  controllers: [TokenConsumeController],
  providers: [ExternalBillingService],
})
export class ExternalBillingModule {}
