import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import type { Request } from 'express';
import { Repository } from 'typeorm';
import { UserStatus } from '@one-api/contracts';
import { SESSION_COOKIE, SessionService } from '@one-api/server-auth';
import { conflict, forbidden, safeEqual, unauthorized } from '@one-api/server-common';
import { User } from '@one-api/server-db';
import { OptionsService } from '@one-api/server-options';
import { UsersService } from '@one-api/server-users';

export type IdentityKind = 'oidc' | 'github';

export interface ExternalIdentity {
  /** OIDC `sub` or GitHub login: what `users.oidc_id` / `users.github_id` hold */
  id: string;
  username: string;
  displayName: string;
  email: string;
}

const COLUMN: Record<IdentityKind, 'oidcId' | 'githubId'> = { oidc: 'oidcId', github: 'githubId' };

/**
 * Maps an external identity to an account, as One API does: a signed-in caller binds it to their own account;
 * otherwise the account bound to it signs in; otherwise a new account is created when registration is open.
 */
@Injectable()
export class ExternalSignInService {
  constructor(
    @InjectRepository(User) private readonly users: Repository<User>,
    private readonly accounts: UsersService,
    private readonly sessions: SessionService,
    private readonly options: OptionsService,
  ) {}

  /** The enabled user of a valid session cookie on this request, if any. */
  async currentUser(req: Request): Promise<User | null> {
    const session = this.sessions.decode(
      (req.cookies as Record<string, string> | undefined)?.[SESSION_COOKIE],
    );
    if (!session) return null;
    const user = await this.users.findOneBy({ id: session.id });
    if (!user || user.status !== UserStatus.Enabled) return null;
    return safeEqual(SessionService.passwordFingerprint(user.password), session.pv) ? user : null;
  }

  async signIn(kind: IdentityKind, identity: ExternalIdentity, current: User | null): Promise<User> {
    if (!identity.id) throw unauthorized('The identity provider returned no account identifier');
    const column = COLUMN[kind];
    const bound = await this.users.findOne({ where: { [column]: identity.id }, order: { id: 'ASC' } });
    if (current) {
      if (bound && bound.id !== current.id) {
        throw conflict('This external account is already bound to another user');
      }
      if (!bound) await this.users.update({ id: current.id }, { [column]: identity.id });
      return this.accounts.get(current.id);
    }
    if (bound) {
      if (bound.status !== UserStatus.Enabled) throw forbidden('This user has been disabled');
      return bound;
    }
    if (!this.options.getBool('RegisterEnabled')) {
      throw forbidden('New user registration has been disabled by the administrator');
    }
    return this.accounts.createExternalAccount({
      username: identity.username || `${kind}_user`,
      displayName: identity.displayName,
      email: identity.email,
      [column]: identity.id,
    });
  }
}
