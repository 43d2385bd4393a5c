import { Injectable } from '@nestjs/common';
import { PassportStrategy } from '@nestjs/passport';
import { InjectRepository } from '@nestjs/typeorm';
import type { Request } from 'express';
import { Strategy } from 'passport-custom';
import { Repository } from 'typeorm';
import { UserStatus } from '@one-api/contracts';
import { forbidden, safeEqual, unauthorized } from '@one-api/server-common';
import { User } from '@one-api/server-db';
import { AuthUser } from './auth-user';
import { hasDefaultRootPassword } from './default-password';
import { SESSION_COOKIE, SessionService } from './session.service';

export const MANAGEMENT_STRATEGY = 'one-api-management';

/** Session cookie first, then `Authorization: <access token>` (a literal "Bearer " is removed), as One API. */
@Injectable()
export class ManagementStrategy extends PassportStrategy(Strategy, MANAGEMENT_STRATEGY) {
  constructor(
    private readonly sessions: SessionService,
    @InjectRepository(User) private readonly users: Repository<User>,
  ) {
    super();
  }

  async validate(req: Request): Promise<AuthUser> {
    const cookie = (req.cookies as Record<string, string> | undefined)?.[SESSION_COOKIE];
    const session = this.sessions.decode(cookie);
    if (session) {
      const user = await this.users.findOneBy({ id: session.id });
      if (user && safeEqual(SessionService.passwordFingerprint(user.password), session.pv)) {
        return this.admit(user, 'session');
      }
    }
    const header = req.headers.authorization?.trim();
    const accessToken = header?.replace(/^Bearer /i, '').trim();
    if (accessToken) {
      const user = await this.users.findOneBy({ accessToken });
      if (!user) throw unauthorized('Invalid access token');
      return this.admit(user, 'access_token');
    }
    throw unauthorized(
      session || cookie
        ? 'Session expired, please sign in again'
        : 'Not signed in and no access token provided',
    );
  }

  private async admit(user: User, via: AuthUser['via']): Promise<AuthUser> {
    if (user.status !== UserStatus.Enabled) throw forbidden('This user has been disabled');
    const passwordChangeRequired = await hasDefaultRootPassword(user);
    return {
      id: user.id,
      username: user.username,
      role: user.role,
      status: user.status,
      group: user.group || 'default',
      via,
      ...(passwordChangeRequired ? { passwordChangeRequired } : {}),
    };
  }
}
