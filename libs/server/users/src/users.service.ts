import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { EntityManager, Repository } from 'typeorm';
import { LogType, Role, TokenStatus, UserStatus } from '@one-api/contracts';
import type { AuthUser } from '@one-api/server-auth';
import {
  badRequest,
  conflict,
  dashlessUuid,
  forbidden,
  generateTokenKey,
  hashPassword,
  notFound,
  PageWindow,
  randomAlnum,
  unixNow,
  unauthorized,
  verifyPassword,
} from '@one-api/server-common';
import { Ability, Log, Token, TransactionRunner, User } from '@one-api/server-db';
import { formatQuota, LogsService } from '@one-api/server-logs';
import { OptionsService } from '@one-api/server-options';
import { CreateUserDto, ManageAction, RegisterDto, UpdateSelfDto, UpdateUserDto } from './users.dto';
import { emailDomainAllowed } from './sign-in/email-rules';
import { normalizeEmail, VerificationCodeService } from './sign-in/verification-codes.service';
import { DashboardRow } from './user-view';
import { dashboardWindow, dayString, isUniqueViolation, mayActOn, SECONDS_PER_DAY } from './rules';

export const LOGIN_FAILED = 'Invalid username or password, or the user is disabled';
const USERNAME_TAKEN = 'Username already exists';
const AFF_CODE_ATTEMPTS = 20;
const INSERT_ATTEMPTS = 3;

interface NewAccount {
  username: string;
  passwordHash: string;
  displayName: string;
  email: string;
  role: number;
  quota: number;
  group: string;
  inviterId: number;
}

/** Accounts: sign-in, registration, self-service and the admin user management of One API. */
@Injectable()
export class UsersService {
  private dummyHash?: Promise<string>;

  constructor(
    @InjectRepository(User) private readonly users: Repository<User>,
    @InjectRepository(Log) private readonly logs: Repository<Log>,
    @InjectRepository(Ability) private readonly abilities: Repository<Ability>,
    private readonly tx: TransactionRunner,
    private readonly options: OptionsService,
    private readonly logService: LogsService,
    private readonly verification: VerificationCodeService,
  ) {}

  // ---------------------------------------------------------------- sign-in

  /** Username first, then email (One API's fallback); wrong password, disabled or deleted → one 401 message. */
  async login(username: string, password: string): Promise<User> {
    const user =
      (await this.users.findOneBy({ username })) ??
      (await this.users.findOne({ where: { email: username }, order: { id: 'ASC' } }));
    if (!this.options.getBool('PasswordLoginEnabled') && user?.role !== Role.Root) {
      throw forbidden('Password login has been disabled by the administrator');
    }
    // Hash even when the user does not exist so response times do not reveal which usernames are taken.
    const valid = await verifyPassword(password, user?.password ?? (await this.fakeHash()));
    if (!user || !valid || user.status !== UserStatus.Enabled) throw unauthorized(LOGIN_FAILED);
    return user;
  }

  private fakeHash(): Promise<string> {
    this.dummyHash ??= hashPassword(randomAlnum(24));
    return this.dummyHash;
  }

  // ---------------------------------------------------------------- registration

  async register(dto: RegisterDto): Promise<void> {
    if (!this.options.getBool('RegisterEnabled')) {
      throw forbidden('New user registration has been disabled by the administrator');
    }
    if (!this.options.getBool('PasswordRegisterEnabled')) {
      throw forbidden('Registration with a username and password has been disabled by the administrator');
    }
    const verifyEmail = this.options.getBool('EmailVerificationEnabled');
    if (verifyEmail && (!dto.email || !dto.verification_code)) {
      throw badRequest('email verification is required: provide email and verification_code');
    }
    if (dto.email) this.assertEmailDomainAllowed(dto.email);
    if (await this.users.existsBy({ username: dto.username })) throw conflict(USERNAME_TAKEN);
    // Checked last so a taken username does not use the code up.
    if (
      verifyEmail &&
      !(await this.verification.consume('email', dto.email ?? '', dto.verification_code ?? ''))
    ) {
      throw badRequest('Invalid or expired verification code');
    }
    const account: NewAccount = {
      username: dto.username,
      passwordHash: await hashPassword(dto.password),
      displayName: dto.username,
      email: dto.email ? normalizeEmail(dto.email) : '',
      role: Role.Common,
      quota: Math.max(0, this.options.getNumber('QuotaForNewUser')),
      group: 'default',
      inviterId: 0,
    };
    await this.insertWithRetry(account.username, (manager) =>
      this.registerIn(manager, account, dto.aff_code),
    );
  }

  /** EmailDomainRestrictionEnabled: the address must be in EmailDomainWhitelist (400 otherwise). */
  assertEmailDomainAllowed(email: string): void {
    if (!this.options.getBool('EmailDomainRestrictionEnabled')) return;
    if (!emailDomainAllowed(email, this.options.get('EmailDomainWhitelist'))) {
      throw badRequest(
        'The administrator only allows email addresses of these domains: ' +
          this.options.get('EmailDomainWhitelist'),
      );
    }
  }

  /**
   * An account for someone who signed in through an external identity (OIDC, GitHub): same defaults as a
   * registration (new-user quota, `default` key), no usable password. The username is the wished one when it is
   * free, else the wish with a number appended.
   */
  async createExternalAccount(profile: {
    username: string;
    displayName: string;
    email: string;
    githubId?: string;
    oidcId?: string;
  }): Promise<User> {
    const base = sanitizeUsername(profile.username) || 'user';
    for (let attempt = 0; attempt < 20; attempt++) {
      const suffix = attempt === 0 ? '' : `_${attempt < 5 ? attempt + 1 : randomAlnum(6)}`;
      const username = base.slice(0, USERNAME_LIMIT - suffix.length) + suffix;
      if (await this.users.existsBy({ username })) continue;
      const account: NewAccount = {
        username,
        // Nobody knows this password: the account signs in through its identity provider (or a reset link).
        passwordHash: await hashPassword(randomAlnum(32)),
        displayName: (profile.displayName || username).slice(0, 20),
        email: profile.email ? normalizeEmail(profile.email).slice(0, 50) : '',
        role: Role.Common,
        quota: Math.max(0, this.options.getNumber('QuotaForNewUser')),
        group: 'default',
        inviterId: 0,
      };
      try {
        const id = await this.tx.run(async (manager) => {
          await this.registerIn(manager, account, undefined);
          const created = await manager.getRepository(User).findOneByOrFail({ username });
          await manager
            .getRepository(User)
            .update({ id: created.id }, { githubId: profile.githubId ?? '', oidcId: profile.oidcId ?? '' });
          return created.id;
        });
        return this.get(id);
      } catch (error) {
        if (!isUniqueViolation(error)) throw error;
      }
    }
    throw conflict('Could not find a free username for this account');
  }

  private async registerIn(
    manager: EntityManager,
    account: NewAccount,
    affCode: string | undefined,
  ): Promise<void> {
    const repo = manager.getRepository(User);
    const inviter = affCode ? await repo.findOneBy({ affCode }) : null;
    const user = await this.insertUser(manager, { ...account, inviterId: inviter?.id ?? 0 });
    if (account.quota > 0) {
      await this.systemLog(manager, user, `New user registration bonus: ${this.quotaText(account.quota)}`);
    }
    if (inviter) {
      const forInvitee = this.options.getNumber('QuotaForInvitee');
      const forInviter = this.options.getNumber('QuotaForInviter');
      if (forInvitee > 0) {
        await this.addQuota(manager, user.id, forInvitee);
        await this.systemLog(manager, user, `Invitation code bonus: ${this.quotaText(forInvitee)}`);
      }
      if (forInviter > 0) {
        await this.addQuota(manager, inviter.id, forInviter);
        await this.systemLog(
          manager,
          inviter,
          `Bonus for inviting a new user: ${this.quotaText(forInviter)}`,
        );
      }
    }
    const now = unixNow();
    await manager.getRepository(Token).insert({
      userId: user.id,
      key: generateTokenKey(),
      status: TokenStatus.Enabled,
      name: 'default',
      createdTime: now,
      accessedTime: now,
      expiredTime: -1,
      remainQuota: -1,
      unlimitedQuota: true,
      usedQuota: 0,
      models: null,
      subnet: '',
    });
  }

  /** Runs an account insert; a unique violation is a taken username (409) or, rarely, a raced aff code (retried). */
  private async insertWithRetry<T>(
    username: string,
    work: (manager: EntityManager) => Promise<T>,
  ): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.tx.run(work);
      } catch (error) {
        if (!isUniqueViolation(error)) throw error;
        if (await this.users.existsBy({ username })) throw conflict(USERNAME_TAKEN);
        if (attempt >= INSERT_ATTEMPTS) throw error;
      }
    }
  }

  private async insertUser(manager: EntityManager, account: NewAccount): Promise<User> {
    const repo = manager.getRepository(User);
    const user = repo.create({
      username: account.username,
      password: account.passwordHash,
      displayName: account.displayName,
      role: account.role,
      status: UserStatus.Enabled,
      email: account.email,
      githubId: '',
      wechatId: '',
      larkId: '',
      oidcId: '',
      accessToken: dashlessUuid(),
      quota: account.quota,
      usedQuota: 0,
      requestCount: 0,
      group: account.group,
      affCode: await this.freeAffCode(manager),
      inviterId: account.inviterId,
    });
    return repo.save(user);
  }

  /** A 4-character invitation code no other user holds. */
  private async freeAffCode(manager: EntityManager): Promise<string> {
    const repo = manager.getRepository(User);
    for (let i = 0; i < AFF_CODE_ATTEMPTS; i++) {
      const code = randomAlnum(4);
      if (!(await repo.existsBy({ affCode: code }))) return code;
    }
    throw new Error('could not find a free invitation code');
  }

  private async addQuota(manager: EntityManager, userId: number, quota: number): Promise<number> {
    const result = await manager
      .createQueryBuilder()
      .update(User)
      .set({ quota: () => 'quota + :delta' })
      .where('id = :id', { id: userId })
      .setParameter('delta', quota)
      .execute();
    return result.affected ?? 0;
  }

  private quotaText(quota: number): string {
    return formatQuota(quota, {
      displayInCurrency: this.options.getBool('DisplayInCurrencyEnabled'),
      quotaPerUnit: this.options.getNumber('QuotaPerUnit', 500000),
    });
  }

  private systemLog(manager: EntityManager, user: User, content: string): Promise<void> {
    return this.logService.record(
      { userId: user.id, username: user.username, type: LogType.System, content },
      manager,
    );
  }

  // ---------------------------------------------------------------- self service

  async get(id: number): Promise<User> {
    const user = await this.users.findOneBy({ id });
    if (!user) throw notFound('User not found');
    return user;
  }

  /** Applies a self edit; returns the saved user and whether the password changed (the caller re-issues the cookie). */
  async updateSelf(caller: AuthUser, dto: UpdateSelfDto): Promise<{ user: User; passwordChanged: boolean }> {
    const passwordHash = dto.password ? await hashPassword(dto.password) : undefined;
    const user = await this.insertWithRetry(dto.username ?? '', async (manager) => {
      const repo = manager.getRepository(User);
      const current = await repo.findOneBy({ id: caller.id });
      if (!current) throw notFound('User not found');
      const changes: Partial<User> = {};
      if (dto.username !== undefined && dto.username !== current.username) {
        if (await repo.existsBy({ username: dto.username })) throw conflict(USERNAME_TAKEN);
        changes.username = dto.username;
      }
      if (dto.display_name) changes.displayName = dto.display_name;
      if (passwordHash) changes.password = passwordHash;
      if (Object.keys(changes).length) await repo.update({ id: current.id }, changes);
      return { ...current, ...changes } as User;
    });
    return { user, passwordChanged: !!passwordHash };
  }

  async deleteSelf(caller: AuthUser): Promise<void> {
    if (caller.role >= Role.Root) throw forbidden('The root user cannot be deleted');
    await this.softDelete(caller.id);
  }

  /** Rotates the management access token (One API: every call issues a new one). */
  async rotateAccessToken(userId: number): Promise<string> {
    const token = dashlessUuid();
    await this.users.update({ id: userId }, { accessToken: token });
    return token;
  }

  async affCode(userId: number): Promise<string> {
    const user = await this.get(userId);
    if (user.affCode) return user.affCode;
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.tx.run(async (manager) => {
          const code = await this.freeAffCode(manager);
          await manager.getRepository(User).update({ id: userId }, { affCode: code });
          return code;
        });
      } catch (error) {
        if (!isUniqueViolation(error) || attempt >= INSERT_ATTEMPTS) throw error;
      }
    }
  }

  /** Distinct models of enabled abilities of a group, sorted (code-point order on every engine). */
  async availableModels(group: string): Promise<string[]> {
    const rows = await this.abilities
      .createQueryBuilder('a')
      .select('DISTINCT a.model', 'model')
      .where('a.group = :group', { group: group || 'default' })
      .andWhere('a.enabled = :enabled', { enabled: true })
      .getRawMany<{ model: string }>();
    return rows.map((r) => r.model).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  }

  /** Consume logs of the last 7 UTC days grouped per day and model. */
  async dashboard(userId: number, nowSeconds = unixNow()): Promise<DashboardRow[]> {
    const { start, end } = dashboardWindow(nowSeconds);
    const bucket = `log.createdAt - log.createdAt % ${SECONDS_PER_DAY}`;
    const rows = await this.logs
      .createQueryBuilder('log')
      .select(bucket, 'day')
      .addSelect('log.modelName', 'model_name')
      .addSelect('COUNT(*)', 'request_count')
      .addSelect('SUM(log.quota)', 'quota')
      .addSelect('SUM(log.promptTokens)', 'prompt_tokens')
      .addSelect('SUM(log.completionTokens)', 'completion_tokens')
      .where('log.userId = :userId', { userId })
      .andWhere('log.type = :type', { type: LogType.Consume })
      .andWhere('log.createdAt >= :start', { start })
      .andWhere('log.createdAt <= :end', { end })
      .groupBy(bucket)
      .addGroupBy('log.modelName')
      .getRawMany<Record<string, string | number | null>>();
    return rows
      .map((r) => ({
        Day: dayString(Number(r.day)),
        ModelName: String(r.model_name ?? ''),
        RequestCount: Number(r.request_count ?? 0),
        Quota: Number(r.quota ?? 0),
        PromptTokens: Number(r.prompt_tokens ?? 0),
        CompletionTokens: Number(r.completion_tokens ?? 0),
      }))
      .sort(
        (a, b) =>
          a.Day.localeCompare(b.Day) || (a.ModelName < b.ModelName ? -1 : a.ModelName > b.ModelName ? 1 : 0),
      );
  }

  // ---------------------------------------------------------------- admin

  async list(window: PageWindow): Promise<[User[], number]> {
    return this.users.findAndCount({ order: { id: 'DESC' }, skip: window.skip, take: window.size });
  }

  /** id equal to the keyword, or username / email / display name starting with it. */
  async search(keyword: string, window: PageWindow): Promise<[User[], number]> {
    const qb = this.users.createQueryBuilder('u');
    const pattern = `${keyword}%`;
    const id = /^\d{1,15}$/.test(keyword) ? Number(keyword) : undefined;
    qb.where('(u.username LIKE :pattern OR u.email LIKE :pattern OR u.displayName LIKE :pattern)', {
      pattern,
    });
    if (id !== undefined) qb.orWhere('u.id = :id', { id });
    return qb.orderBy('u.id', 'DESC').skip(window.skip).take(window.size).getManyAndCount();
  }

  /** The target user, if the caller may act on it (404 unknown, 403 same or higher role). */
  async getManaged(caller: AuthUser, id: number): Promise<User> {
    const user = await this.get(id);
    this.assertMayActOn(caller, user);
    return user;
  }

  private assertMayActOn(caller: AuthUser, target: User): void {
    if (!mayActOn(caller.role, target.role)) {
      throw forbidden('You cannot access or change a user whose role is equal to or higher than your own');
    }
  }

  async create(caller: AuthUser, dto: CreateUserDto): Promise<User> {
    const role = dto.role ?? Role.Common;
    if (role >= caller.role)
      throw forbidden('You cannot create a user with a role equal to or higher than your own');
    if (await this.users.existsBy({ username: dto.username })) throw conflict(USERNAME_TAKEN);
    const account: NewAccount = {
      username: dto.username,
      passwordHash: await hashPassword(dto.password),
      displayName: dto.display_name || dto.username,
      email: dto.email ?? '',
      role,
      quota: dto.quota ?? Math.max(0, this.options.getNumber('QuotaForNewUser')),
      group: dto.group ?? 'default',
      inviterId: 0,
    };
    return this.insertWithRetry(account.username, (manager) => this.insertUser(manager, account));
  }

  async update(caller: AuthUser, dto: UpdateUserDto): Promise<User> {
    const passwordHash = dto.password ? await hashPassword(dto.password) : undefined;
    return this.insertWithRetry(dto.username ?? '', async (manager) => {
      const repo = manager.getRepository(User);
      const target = await repo.findOneBy({ id: dto.id });
      if (!target) throw notFound('User not found');
      this.assertMayActOn(caller, target);
      const changes: Partial<User> = {};
      if (dto.role !== undefined && dto.role !== target.role) {
        if (target.role >= Role.Root) throw forbidden("The root user's role cannot be changed");
        if (dto.role >= Role.Root) throw forbidden('There can be only one root user');
        if (dto.role >= caller.role)
          throw forbidden('You cannot give a user a role equal to or higher than your own');
        changes.role = dto.role;
      }
      if (dto.username !== undefined && dto.username !== target.username) {
        if (await repo.existsBy({ username: dto.username })) throw conflict(USERNAME_TAKEN);
        changes.username = dto.username;
      }
      if (dto.display_name) changes.displayName = dto.display_name;
      if (passwordHash) changes.password = passwordHash;
      if (dto.email !== undefined && dto.email !== null) changes.email = dto.email;
      if (dto.group !== undefined) changes.group = dto.group;
      const oldQuota = Number(target.quota);
      if (dto.quota !== undefined && dto.quota !== oldQuota) changes.quota = dto.quota;
      if (Object.keys(changes).length) await repo.update({ id: target.id }, changes);
      if (changes.quota !== undefined) {
        await this.logService.record(
          {
            userId: target.id,
            username: changes.username ?? target.username,
            type: LogType.Manage,
            content: `Admin changed quota from ${this.quotaText(oldQuota)} to ${this.quotaText(changes.quota)}`,
          },
          manager,
        );
      }
      return { ...target, ...changes } as User;
    });
  }

  async manage(
    caller: AuthUser,
    username: string,
    action: ManageAction,
  ): Promise<{ role: number; status: number }> {
    const target = await this.users.findOneBy({ username });
    if (!target) throw notFound('User not found');
    this.assertMayActOn(caller, target);
    const isRoot = target.role >= Role.Root;
    let { role, status } = target;
    switch (action) {
      case 'disable':
        if (isRoot) throw forbidden('The root user cannot be disabled');
        status = UserStatus.Disabled;
        break;
      case 'enable':
        status = UserStatus.Enabled;
        break;
      case 'delete':
        if (isRoot) throw forbidden('The root user cannot be deleted');
        await this.softDelete(target.id);
        return { role, status: UserStatus.Deleted };
      case 'promote':
        if (caller.role < Role.Root) throw forbidden('Only the root user can promote users');
        if (target.role >= Role.Admin) throw badRequest('The user is already an admin');
        role = Role.Admin;
        break;
      case 'demote':
        if (isRoot) throw forbidden('The root user cannot be demoted');
        if (target.role <= Role.Common) throw badRequest('The user is already a common user');
        role = Role.Common;
        break;
    }
    await this.users.update({ id: target.id }, { role, status });
    return { role, status };
  }

  async remove(caller: AuthUser, id: number): Promise<void> {
    const target = await this.getManaged(caller, id);
    if (target.role >= Role.Root) throw forbidden('The root user cannot be deleted');
    await this.softDelete(target.id);
  }

  /** One API's delete: status 3 and a fresh name, so the old username can be registered again. */
  private async softDelete(id: number): Promise<void> {
    await this.users.update({ id }, { status: UserStatus.Deleted, username: `deleted_${dashlessUuid()}` });
  }

  /** Adds quota atomically and writes a topup log; returns the new balance. */
  async topUp(caller: AuthUser, userId: number, quota: number, remark?: string): Promise<number> {
    return this.tx.run(async (manager) => {
      const repo = manager.getRepository(User);
      const target = await repo.findOneBy({ id: userId });
      if (!target) throw notFound('User not found');
      this.assertMayActOn(caller, target);
      if ((await this.addQuota(manager, userId, quota)) !== 1) throw notFound('User not found');
      const after = await repo.findOneByOrFail({ id: userId });
      const note = remark?.trim() ? `, remark: ${remark.trim()}` : '';
      await this.logService.record(
        {
          userId,
          username: target.username,
          type: LogType.Topup,
          quota,
          content: `Admin top-up of ${this.quotaText(quota)}${note}`,
        },
        manager,
      );
      return Number(after.quota);
    });
  }
}

const USERNAME_LIMIT = 30;

/** A username from an external profile: letters, digits, `_`, `-`, `.`, at most 30 characters. */
export function sanitizeUsername(wish: string): string {
  return wish
    .normalize('NFKD')
    .replace(/[^A-Za-z0-9_.-]+/g, '_')
    .replace(/^_+|_+$/g, '')
    .slice(0, USERNAME_LIMIT);
}
