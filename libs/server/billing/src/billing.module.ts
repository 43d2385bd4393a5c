import { Global, Module } from '@nestjs/common';
import { HoldReconciler } from './hold-reconciler.service';
import { QuotaReservationService } from './quota-reservation.service';
import { RatioTablesService } from './ratio-tables.service';
import { RedisQuotaLedger } from './redis-quota-ledger.service';
import { SettlementWriter } from './settlement-writer.service';

@Global()
@Module({
  providers: [
    RatioTablesService,
    QuotaReservationService,
    SettlementWriter,
    RedisQuotaLedger,
    HoldReconciler,
  ],
  exports: [RatioTablesService, QuotaReservationService, SettlementWriter, RedisQuotaLedger, HoldReconciler],
})
export class BillingModule {}
