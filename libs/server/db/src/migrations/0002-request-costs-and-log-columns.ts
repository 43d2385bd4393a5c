import { MigrationInterface, QueryRunner } from 'typeorm';
import { LOGS_EXTENSION, REQUEST_COSTS_TABLE } from '../schema/gateway-tables';
import { ensureTables } from '../schema/ensure-schema';

/** Cost per request (GET /api/cost/request/:id) and the paying key / original model on consume logs. */
export class RequestCostsAndLogColumns1732600000002 implements MigrationInterface {
  name = 'RequestCostsAndLogColumns1732600000002';

  async up(queryRunner: QueryRunner): Promise<void> {
    await ensureTables(queryRunner, [REQUEST_COSTS_TABLE, LOGS_EXTENSION]);
  }

  async down(): Promise<void> {
    // Additive only.
  }
}
