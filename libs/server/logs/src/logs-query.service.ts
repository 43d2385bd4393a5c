import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import {
  Between,
  FindOptionsWhere,
  LessThan,
  LessThanOrEqual,
  MoreThanOrEqual,
  Raw,
  Repository,
} from 'typeorm';
import { LogType } from '@one-api/contracts';
import type { PageWindow } from '@one-api/server-common';
import { Log } from '@one-api/server-db';

export interface LogFilter {
  /** restricts to one user's logs (the /self routes) */
  userId?: number;
  type?: number;
  startTimestamp?: number;
  endTimestamp?: number;
  username?: string;
  tokenName?: string;
  modelName?: string;
  channelId?: number;
}

/** One API's search cap (MaxRecentItems). */
export const LOG_SEARCH_LIMIT = 100;

/** Escapes LIKE wildcards with "!" (an ESCAPE character every engine accepts without quoting rules). */
export function likePrefix(keyword: string): string {
  return `${keyword.replace(/[!%_]/g, (c) => `!${c}`)}%`;
}

/** Reads of the `logs` table for the management API. */
@Injectable()
export class LogsQueryService {
  constructor(@InjectRepository(Log) private readonly logs: Repository<Log>) {}

  where(filter: LogFilter): FindOptionsWhere<Log> {
    const where: FindOptionsWhere<Log> = {};
    if (filter.userId !== undefined) where.userId = filter.userId;
    if (filter.type) where.type = filter.type;
    if (filter.username) where.username = filter.username;
    if (filter.tokenName) where.tokenName = filter.tokenName;
    if (filter.modelName) where.modelName = filter.modelName;
    if (filter.channelId) where.channelId = filter.channelId;
    const { startTimestamp: start, endTimestamp: end } = filter;
    if (start && end) where.createdAt = Between(start, end);
    else if (start) where.createdAt = MoreThanOrEqual(start);
    else if (end) where.createdAt = LessThanOrEqual(end);
    return where;
  }

  /** Newest first, one page, with the total number of matches. */
  list(filter: LogFilter, window: PageWindow): Promise<[Log[], number]> {
    return this.logs.findAndCount({
      where: this.where(filter),
      order: { id: 'DESC' },
      skip: window.skip,
      take: window.size,
    });
  }

  /** The 100 newest logs whose content starts with the keyword, or whose type is the keyword when it is a number. */
  search(keyword: string, userId?: number): Promise<Log[]> {
    const scope: FindOptionsWhere<Log> = userId === undefined ? {} : { userId };
    const pattern = likePrefix(keyword);
    const where: Array<FindOptionsWhere<Log>> = [
      { ...scope, content: Raw((column) => `${column} LIKE :pattern ESCAPE '!'`, { pattern }) },
    ];
    const trimmed = keyword.trim();
    if (/^\d{1,9}$/.test(trimmed)) where.push({ ...scope, type: Number(trimmed) });
    return this.logs.find({ where, order: { id: 'DESC' }, take: LOG_SEARCH_LIMIT });
  }

  /** Sum of the quota of the consume logs matching the filter (its type is ignored). */
  async consumedQuota(filter: LogFilter): Promise<number> {
    const sum = await this.logs.sum('quota', { ...this.where(filter), type: LogType.Consume });
    return sum ?? 0;
  }

  /** Deletes every log created strictly before the timestamp; returns how many went. */
  async deleteBefore(timestamp: number): Promise<number> {
    const result = await this.logs.delete({ createdAt: LessThan(timestamp) });
    return result.affected ?? 0;
  }
}
