import { MigrationInterface, QueryRunner } from 'typeorm';
import { USERS_TOTP_EXTENSION, VERIFICATION_CODES_TABLE } from '../schema/gateway-tables';
import { ensureTables } from '../schema/ensure-schema';

/** Sign-in: emailed verification codes / reset tokens, and the fork's users.totp_secret for two-factor sign-in. */
export class SignIn1732600000003 implements MigrationInterface {
  name = 'SignIn1732600000003';

  async up(queryRunner: QueryRunner): Promise<void> {
    await ensureTables(queryRunner, [VERIFICATION_CODES_TABLE, USERS_TOTP_EXTENSION]);
  }

  async down(): Promise<void> {
    // Additive only.
  }
}
