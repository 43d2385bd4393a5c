import { Global, Module } from '@nestjs/common';
import { QuotaReservationService } from './quota-reservation.service';
import { RatioTablesService } from './ratio-tables.service';
import { RedisQuotaLedger } from './redis-quota-ledger.service';
import { SettlementWriter } from './settlement-writer.service';

@Global()
@Module({
  providers: [RatioTablesService, QuotaReservationService, SettlementWriter, RedisQuotaLedger],
  exports: [RatioTablesService, QuotaReservationService, SettlementWriter, RedisQuotaLedger],
})
export class BillingModule {}
