import { MigrationInterface, QueryRunner } from 'typeorm';
import { ensureTables } from '../schema/ensure-schema';
import { GATEWAY_INSTANCES_TABLE, QUOTA_HOLDS_TABLE } from '../schema/quota-hold-tables';

/** Recorded quota holds and gateway heartbeats, so a crashed process's holds are refunded (docs/reliability.md). */
export class QuotaHolds1732600000005 implements MigrationInterface {
  name = 'QuotaHolds1732600000005';

  async up(queryRunner: QueryRunner): Promise<void> {
    await ensureTables(queryRunner, [QUOTA_HOLDS_TABLE, GATEWAY_INSTANCES_TABLE]);
  }

  async down(): Promise<void> {
    // Additive only.
  }
}
