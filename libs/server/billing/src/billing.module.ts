import { Global, Module } from '@nestjs/common';
import { HoldReconciler } from './hold-reconciler.service';
import { OpenHolds } from './open-holds';
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
    OpenHolds,
  ],
  exports: [
    RatioTablesService,
    QuotaReservationService,
    SettlementWriter,
    RedisQuotaLedger,
    HoldReconciler,
    OpenHolds,
  ],
})
export class BillingModule {}
