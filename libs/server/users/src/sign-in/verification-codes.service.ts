import { HttpStatus, Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { createHash, randomInt } from 'node:crypto';
import { Repository } from 'typeorm';
import { ApiError, randomAlnum, safeEqual, unixNow } from '@one-api/server-common';
import { VerificationCode } from '@one-api/server-db';

/** 'email': registration and email binding (6 digits); 'reset': password-reset link token (32 characters). */
export type VerificationPurpose = 'email' | 'reset';

/** One API's VerificationValidMinutes. */
export const VERIFICATION_VALID_SECONDS = 10 * 60;
/** A new code for the same address and purpose is refused for this long (mail-bombing guard). */
export const VERIFICATION_RESEND_SECONDS = 60;
/** Wrong guesses a code survives; then it is deleted and a new one must be requested. */
export const VERIFICATION_MAX_ATTEMPTS = 5;

const hashCode = (code: string) => createHash('sha256').update(code).digest('hex');
export const normalizeEmail = (email: string) => email.trim().toLowerCase();

/**
 * Emailed one-time codes, kept (hashed) in the `verification_codes` table so every replica can check them. A new
 * code replaces the previous one for the same address and purpose; a code is consumed by its first correct use.
 */
@Injectable()
export class VerificationCodeService {
  constructor(@InjectRepository(VerificationCode) private readonly codes: Repository<VerificationCode>) {}

  /** Creates a code for the address (replacing an older one) and returns it in clear, to be emailed. */
  async issue(purpose: VerificationPurpose, email: string, now = unixNow()): Promise<string> {
    const target = normalizeEmail(email);
    const previous = await this.codes.findOne({ where: { purpose, target }, order: { createdAt: 'DESC' } });
    if (
      previous &&
      Number(previous.expiresAt) > now &&
      now - Number(previous.createdAt) < VERIFICATION_RESEND_SECONDS
    ) {
      throw new ApiError(
        `A code was sent to this address less than ${VERIFICATION_RESEND_SECONDS} seconds ago; please wait`,
        HttpStatus.TOO_MANY_REQUESTS,
      );
    }
    const code = purpose === 'email' ? String(randomInt(0, 1_000_000)).padStart(6, '0') : randomAlnum(32);
    await this.codes.delete({ purpose, target });
    await this.codes.insert({
      purpose,
      target,
      codeHash: hashCode(code),
      attempts: 0,
      createdAt: now,
      expiresAt: now + VERIFICATION_VALID_SECONDS,
    });
    return code;
  }

  /** True (and the code is used up) when the code is the live one for this address; wrong guesses are counted. */
  async consume(
    purpose: VerificationPurpose,
    email: string,
    code: string,
    now = unixNow(),
  ): Promise<boolean> {
    const target = normalizeEmail(email);
    const row = await this.codes.findOne({ where: { purpose, target }, order: { createdAt: 'DESC' } });
    if (!row) return false;
    if (Number(row.expiresAt) <= now) {
      await this.codes.delete({ id: row.id });
      return false;
    }
    if (!safeEqual(hashCode(code.trim()), row.codeHash)) {
      if (row.attempts + 1 >= VERIFICATION_MAX_ATTEMPTS) await this.codes.delete({ id: row.id });
      else await this.codes.increment({ id: row.id }, 'attempts', 1);
      return false;
    }
    // Single use even under concurrent requests: only the request that deletes the row wins.
    const deleted = await this.codes.delete({ id: row.id });
    return (deleted.affected ?? 0) === 1;
  }
}
