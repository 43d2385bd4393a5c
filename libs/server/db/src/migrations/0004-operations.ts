import { MigrationInterface, QueryRunner } from 'typeorm';
import { ensureTables } from '../schema/ensure-schema';
import { LOGS_TRACE_EXTENSION, QUOTA_FLUSHES_TABLE, TRACES_TABLE } from '../schema/ops-tables';

/** Request traces (GET /api/trace/...), the trace id on log rows, and the receipts of Redis quota flushes. */
export class Operations1732600000004 implements MigrationInterface {
  name = 'Operations1732600000004';

  async up(queryRunner: QueryRunner): Promise<void> {
    await ensureTables(queryRunner, [TRACES_TABLE, LOGS_TRACE_EXTENSION, QUOTA_FLUSHES_TABLE]);
  }

  async down(): Promise<void> {
    // Additive only.
  }
}
