import { Global, Module } from '@nestjs/common';
import { QuotaReservationService } from './quota-reservation.service';
import { RatioTablesService } from './ratio-tables.service';
import { SettlementWriter } from './settlement-writer.service';

@Global()
@Module({
  providers: [RatioTablesService, QuotaReservationService, SettlementWriter],
  exports: [RatioTablesService, QuotaReservationService, SettlementWriter],
})
export class BillingModule {}
