export * from './model-prices';
export * from './pricing';
export * from './ratio-tables.service';
export * from './quota-reservation.service';
export * from './settlement-writer.service';
export * from './redis-quota-ledger.service';
export * from './billing.module';
