import { MigrationInterface, QueryRunner } from 'typeorm';
import { ensureTables } from '../schema/ensure-schema';
import { ONE_API_TABLES } from '../schema/one-api-tables';

/** Creates One API's seven tables on a fresh database; on a One API database, adds only what is missing. */
export class OneApiBaseline1732600000001 implements MigrationInterface {
  name = 'OneApiBaseline1732600000001';

  async up(queryRunner: QueryRunner): Promise<void> {
    await ensureTables(queryRunner, ONE_API_TABLES);
  }

  async down(): Promise<void> {
    // Never drop a One API table: the baseline is the data users came with.
  }
}
