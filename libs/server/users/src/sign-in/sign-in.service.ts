import { HttpException, HttpStatus, Injectable } from '@nestjs/common';
import { ApiError } from '@one-api/server-common';
import type { User } from '@one-api/server-db';
import { LoginDto } from '../users.dto';
import { LOGIN_FAILED, UsersService } from '../users.service';
import { LoginThrottle } from './login-throttle.service';
import { TotpService } from './totp.service';
import { TURNSTILE_REQUIRED, TurnstileService } from './turnstile.service';

export const TOTP_REQUIRED = 'totp_required';

/**
 * Password sign-in with its guards: throttling per client IP + username, Turnstile after a failure (when enabled,
 * as One API's fork), and the TOTP second factor for users who turned it on.
 */
@Injectable()
export class SignInService {
  constructor(
    private readonly users: UsersService,
    private readonly throttle: LoginThrottle,
    private readonly totp: TotpService,
    private readonly turnstile: TurnstileService,
  ) {}

  async passwordSignIn(dto: LoginDto, ip: string | undefined, turnstileToken: unknown): Promise<User> {
    const key = LoginThrottle.key(ip, dto.username);
    this.throttle.assertAllowed(key);
    if (this.turnstile.enabled && this.throttle.failures(key) > 0) {
      await this.turnstile.assertHuman(turnstileToken, ip);
    }
    let user: User;
    try {
      user = await this.users.login(dto.username, dto.password);
    } catch (error) {
      if (error instanceof HttpException && error.getStatus() === HttpStatus.UNAUTHORIZED) {
        this.throttle.recordFailure(key);
        if (this.turnstile.enabled) {
          throw new ApiError(LOGIN_FAILED, HttpStatus.UNAUTHORIZED, { [TURNSTILE_REQUIRED]: true });
        }
      }
      throw error;
    }
    if (user.totpSecret) {
      if (!dto.totp_code) {
        throw new ApiError(TOTP_REQUIRED, HttpStatus.UNAUTHORIZED, { [TOTP_REQUIRED]: true });
      }
      if (!this.totp.verify(user.id, user.totpSecret, dto.totp_code)) {
        this.throttle.recordFailure(key);
        throw new ApiError('Invalid TOTP code', HttpStatus.UNAUTHORIZED, { [TOTP_REQUIRED]: true });
      }
    }
    this.throttle.reset(key);
    return user;
  }
}
