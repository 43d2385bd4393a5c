import { Injectable } from '@nestjs/common';
import * as OTPAuth from 'otpauth';

export const TOTP_PERIOD = 30;
export const TOTP_DIGITS = 6;
/** Accept the previous and next 30-second step too (clock drift), as authenticator apps expect. */
const TOTP_WINDOW = 1;

/**
 * RFC 6238 codes (SHA-1, 6 digits, 30 s — what every authenticator app uses) through the `otpauth` library. A code
 * is accepted once: the last accepted time step of each user is remembered and older or equal steps are refused.
 */
@Injectable()
export class TotpService {
  private readonly lastStep = new Map<number, number>();

  /** A new random 160-bit secret, base32 (32 characters; fits the fork's varchar(64) column). */
  newSecret(): string {
    return new OTPAuth.Secret({ size: 20 }).base32;
  }

  /** The otpauth:// URI an authenticator app scans. */
  uri(secret: string, issuer: string, account: string): string {
    return this.totp(secret, issuer, account).toString();
  }

  /** Current code of a secret (tests and tooling). */
  generate(secret: string, timestamp = Date.now()): string {
    return this.totp(secret).generate({ timestamp });
  }

  /**
   * Checks a code for a user's secret; on success the step is recorded so the same code (or an older one) cannot be
   * replayed by the same user.
   */
  verify(userId: number, secret: string, code: string | undefined, timestamp = Date.now()): boolean {
    const token = (code ?? '').replace(/\s+/g, '');
    if (!secret || !new RegExp(`^\\d{${TOTP_DIGITS}}$`).test(token)) return false;
    let delta: number | null;
    try {
      delta = this.totp(secret).validate({ token, timestamp, window: TOTP_WINDOW });
    } catch {
      return false;
    }
    if (delta === null) return false;
    const step = Math.floor(timestamp / 1000 / TOTP_PERIOD) + delta;
    if (step <= (this.lastStep.get(userId) ?? -1)) return false;
    this.lastStep.set(userId, step);
    return true;
  }

  private totp(secret: string, issuer = '', label = ''): OTPAuth.TOTP {
    return new OTPAuth.TOTP({
      issuer,
      label,
      algorithm: 'SHA1',
      digits: TOTP_DIGITS,
      period: TOTP_PERIOD,
      secret: OTPAuth.Secret.fromBase32(secret),
    });
  }
}
