import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { EntityManager, Repository, SelectQueryBuilder } from 'typeorm';
import { TokenDto, TokenStatus } from '@one-api/contracts';
import { badRequest, generateTokenKey, notFound, PageWindow, unixNow } from '@one-api/server-common';
import { AppConfig } from '@one-api/server-config';
import { Token } from '@one-api/server-db';
import {
  normalizeExpiredTime,
  normalizeSubnets,
  normalizeTokenModels,
  statusChangeBlocker,
} from './token-rules';

export type TokenOrder = 'remain_quota' | 'used_quota' | 'id';

export interface TokenInput {
  name: string;
  expired_time?: number;
  remain_quota?: number;
  unlimited_quota?: boolean;
  models?: string | null;
  subnet?: string | null;
}

export type TokenPatch = Partial<TokenInput>;

const ORDER_COLUMNS: Record<TokenOrder, keyof Token> = {
  remain_quota: 'remainQuota',
  used_quota: 'usedQuota',
  id: 'id',
};

const asBool = (v: unknown) => v === true || v === 1 || v === '1' || v === 'true';
const asNum = (v: unknown, fallback = 0) => (v === null || v === undefined ? fallback : Number(v));

/** A LIKE pattern matching values that start with `prefix` (wildcards escaped with "!"). */
export function likePrefix(prefix: string): string {
  return `${prefix.replace(/[!%_]/g, (c) => `!${c}`).toLowerCase()}%`;
}

/** API keys (`tokens` table): every read and write is scoped to the owning user. */
@Injectable()
export class TokensService {
  constructor(
    @InjectRepository(Token) private readonly tokens: Repository<Token>,
    private readonly config: AppConfig,
  ) {}

  /** The key as clients see it: the configured prefix ("sk-") + the stored 48 chars. */
  displayKey(key: string): string {
    return `${this.config.tokenKeyPrefix}${key}`;
  }

  toDto(token: Token): TokenDto {
    return {
      id: asNum(token.id),
      user_id: asNum(token.userId),
      key: this.displayKey(token.key),
      status: asNum(token.status, TokenStatus.Enabled),
      name: token.name ?? '',
      created_time: asNum(token.createdTime),
      accessed_time: asNum(token.accessedTime),
      expired_time: asNum(token.expiredTime, -1),
      remain_quota: asNum(token.remainQuota),
      unlimited_quota: asBool(token.unlimitedQuota),
      used_quota: asNum(token.usedQuota),
      models: token.models ?? null,
      subnet: token.subnet ?? '',
    };
  }

  private owned(userId: number): SelectQueryBuilder<Token> {
    return this.tokens.createQueryBuilder('t').where('t.userId = :userId', { userId });
  }

  async list(userId: number, window: PageWindow, order: string | undefined): Promise<[Token[], number]> {
    const column = ORDER_COLUMNS[(order as TokenOrder) in ORDER_COLUMNS ? (order as TokenOrder) : 'id'];
    const qb = this.owned(userId).orderBy(`t.${column}`, 'DESC');
    if (column !== 'id') qb.addOrderBy('t.id', 'DESC');
    return qb.offset(window.skip).limit(window.size).getManyAndCount();
  }

  /** Own tokens whose name starts with `keyword` (case-insensitive on every engine). */
  async search(userId: number, keyword: string, window: PageWindow): Promise<[Token[], number]> {
    return this.owned(userId)
      .andWhere(`LOWER(t.name) LIKE :pattern ESCAPE '!'`, { pattern: likePrefix(keyword) })
      .orderBy('t.id', 'DESC')
      .offset(window.skip)
      .limit(window.size)
      .getManyAndCount();
  }

  /** The caller's token; someone else's id is indistinguishable from a missing one (404). */
  async get(userId: number, id: number): Promise<Token> {
    const token = await this.tokens.findOneBy({ id, userId });
    if (!token) throw notFound('Token not found');
    return token;
  }

  /** Creates a token for `userId` (also used when an account is created: pass a manager to join its transaction). */
  async create(userId: number, input: TokenInput, manager?: EntityManager): Promise<Token> {
    const repo = manager ? manager.getRepository(Token) : this.tokens;
    const subnets = normalizeSubnets(input.subnet);
    if (!subnets.ok) throw badRequest(`subnet: "${subnets.invalid}" is not a valid CIDR block`);
    const now = unixNow();
    const row: Partial<Token> = {
      userId,
      key: generateTokenKey(),
      status: TokenStatus.Enabled,
      name: input.name.trim(),
      createdTime: now,
      accessedTime: now,
      expiredTime: normalizeExpiredTime(input.expired_time),
      remainQuota: input.remain_quota ?? 0,
      unlimitedQuota: input.unlimited_quota ?? false,
      usedQuota: 0,
      models: normalizeTokenModels(input.models),
      subnet: subnets.value,
    };
    const result = await repo.insert(row);
    const id = asNum(result.identifiers[0]?.id);
    const created = await repo.findOneBy({ id });
    if (!created) throw new Error(`token ${id} vanished after insert`);
    return created;
  }

  /** Full update: name, expiry, quota, models, subnet (status and key are never changed here). */
  async update(userId: number, id: number, patch: TokenPatch): Promise<Token> {
    await this.get(userId, id);
    const changes: Partial<Token> = {};
    if (patch.name !== undefined) changes.name = patch.name.trim();
    if (patch.expired_time !== undefined) changes.expiredTime = normalizeExpiredTime(patch.expired_time);
    if (patch.remain_quota !== undefined) changes.remainQuota = patch.remain_quota;
    if (patch.unlimited_quota !== undefined) changes.unlimitedQuota = patch.unlimited_quota;
    if (patch.models !== undefined) changes.models = normalizeTokenModels(patch.models);
    if (patch.subnet !== undefined) {
      const subnets = normalizeSubnets(patch.subnet);
      if (!subnets.ok) throw badRequest(`subnet: "${subnets.invalid}" is not a valid CIDR block`);
      changes.subnet = subnets.value;
    }
    if (Object.keys(changes).length) await this.tokens.update({ id, userId }, changes);
    return this.get(userId, id);
  }

  /** Changes only the status; enabling an expired or exhausted token is refused. */
  async updateStatus(userId: number, id: number, status: number): Promise<Token> {
    const token = await this.get(userId, id);
    const blocker = statusChangeBlocker(
      {
        expiredTime: asNum(token.expiredTime, -1),
        remainQuota: asNum(token.remainQuota),
        unlimitedQuota: asBool(token.unlimitedQuota),
      },
      status,
      unixNow(),
    );
    if (blocker) throw badRequest(blocker);
    await this.tokens.update({ id, userId }, { status });
    return this.get(userId, id);
  }

  async delete(userId: number, id: number): Promise<void> {
    const result = await this.tokens.delete({ id, userId });
    if (!result.affected) throw notFound('Token not found');
  }
}
