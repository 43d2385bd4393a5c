import { MigrationInterface, QueryRunner } from 'typeorm';
import { ensureTables } from '../schema/ensure-schema';
import {
  CHANNELS_MODEL_CONFIGS_EXTENSION,
  LOGS_USAGE_EXTENSION,
  TOKEN_TRANSACTIONS_TABLE,
} from '../schema/billing-tables';

/** Per-channel prices, cache and reasoning tokens on logs, and the external-billing ledger (docs/billing.md). */
export class Billing1732600000006 implements MigrationInterface {
  name = 'Billing1732600000006';

  async up(queryRunner: QueryRunner): Promise<void> {
    await ensureTables(queryRunner, [
      CHANNELS_MODEL_CONFIGS_EXTENSION,
      LOGS_USAGE_EXTENSION,
      TOKEN_TRANSACTIONS_TABLE,
    ]);
  }

  async down(): Promise<void> {
    // Additive only.
  }
}
