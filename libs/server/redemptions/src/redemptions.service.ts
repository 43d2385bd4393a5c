import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { FindOptionsWhere, Raw, Repository } from 'typeorm';
import { LogType, RedemptionStatus } from '@one-api/contracts';
import { badRequest, dashlessUuid, notFound, PageWindow, unixNow } from '@one-api/server-common';
import { Redemption, TransactionRunner, User } from '@one-api/server-db';
import { formatQuota, LogsService } from '@one-api/server-logs';
import { OptionsService } from '@one-api/server-options';

/** The quota of a code created with 0 or no quota (One API's column default). */
export const DEFAULT_REDEMPTION_QUOTA = 100;
export const REDEEM_FAILED = 'This code is invalid or has already been used';

const likePrefix = (keyword: string) => `${keyword.replace(/[!%_]/g, (c) => `!${c}`)}%`;

@Injectable()
export class RedemptionsService {
  constructor(
    @InjectRepository(Redemption) private readonly redemptions: Repository<Redemption>,
    private readonly tx: TransactionRunner,
    private readonly logs: LogsService,
    private readonly options: OptionsService,
  ) {}

  list(window: PageWindow, where?: FindOptionsWhere<Redemption> | FindOptionsWhere<Redemption>[]) {
    return this.redemptions.findAndCount({
      where,
      order: { id: 'DESC' },
      skip: window.skip,
      take: window.size,
    });
  }

  /** Codes whose id is the keyword or whose name starts with it. */
  search(keyword: string, window: PageWindow) {
    const where: FindOptionsWhere<Redemption>[] = [
      { name: Raw((column) => `${column} LIKE :pattern ESCAPE '!'`, { pattern: likePrefix(keyword) }) },
    ];
    const trimmed = keyword.trim();
    if (/^\d{1,15}$/.test(trimmed)) where.push({ id: Number(trimmed) });
    return this.list(window, where);
  }

  async get(id: number): Promise<Redemption> {
    const found = await this.redemptions.findOneBy({ id });
    if (!found) throw notFound('Redemption code not found');
    return found;
  }

  /** Creates `count` codes in one transaction and returns them. */
  async create(creatorId: number, name: string, quota: number | undefined, count: number): Promise<string[]> {
    const now = unixNow();
    const rows = Array.from({ length: count }, () => ({
      userId: creatorId,
      key: dashlessUuid(),
      status: RedemptionStatus.Enabled,
      name,
      quota: quota || DEFAULT_REDEMPTION_QUOTA,
      createdTime: now,
      redeemedTime: 0,
    }));
    await this.tx.run((manager) => manager.getRepository(Redemption).insert(rows));
    return rows.map((r) => r.key);
  }

  async update(id: number, changes: { name?: string; quota?: number; status?: number }): Promise<Redemption> {
    await this.get(id);
    const patch: Partial<Redemption> = {};
    if (changes.name !== undefined) patch.name = changes.name;
    if (changes.quota !== undefined) patch.quota = changes.quota;
    if (changes.status !== undefined) patch.status = changes.status;
    if (Object.keys(patch).length > 0) await this.redemptions.update({ id }, patch);
    return this.get(id);
  }

  async remove(id: number): Promise<void> {
    const result = await this.redemptions.delete({ id });
    if (!result.affected) throw notFound('Redemption code not found');
  }

  /**
   * Redeems a code for a user, race-free: the code is claimed by a conditional UPDATE (only one transaction can
   * move it from enabled to used), then the quota is added with an atomic increment and a topup log is written,
   * all in one transaction.
   */
  async redeem(user: { id: number; username: string }, rawKey: string): Promise<number> {
    const key = rawKey.trim();
    const quota = await this.tx.run(async (manager) => {
      const claimed = await manager
        .createQueryBuilder()
        .update(Redemption)
        .set({ status: RedemptionStatus.Used, redeemedTime: unixNow() })
        .where({ key, status: RedemptionStatus.Enabled })
        .execute();
      if (claimed.affected !== 1) throw badRequest(REDEEM_FAILED);
      const code = await manager.getRepository(Redemption).findOneByOrFail({ key });
      await manager.getRepository(User).increment({ id: user.id }, 'quota', code.quota);
      await this.logs.record(
        {
          userId: user.id,
          username: user.username,
          type: LogType.Topup,
          quota: code.quota,
          content: `Recharged ${this.quotaText(code.quota)} with a redemption code (id ${code.id})`,
        },
        manager,
      );
      return code.quota;
    });
    return quota;
  }

  private quotaText(quota: number): string {
    return formatQuota(quota, {
      displayInCurrency: this.options.getBool('DisplayInCurrencyEnabled'),
      quotaPerUnit: this.options.getNumber('QuotaPerUnit', 500000),
    });
  }
}
