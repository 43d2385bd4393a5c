import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { EntityManager, Repository } from 'typeorm';
import { LogType } from '@one-api/contracts';
import { unixNow } from '@one-api/server-common';
import { Log } from '@one-api/server-db';

export interface NewLog {
  userId: number;
  type: LogType;
  content: string;
  username?: string;
  tokenName?: string;
  modelName?: string;
  quota?: number;
  promptTokens?: number;
  completionTokens?: number;
  channelId?: number | null;
  requestId?: string;
  elapsedTime?: number;
  isStream?: boolean;
  systemPromptReset?: boolean;
}

/** Writes rows of One API's `logs` table (topup, manage, system, test; consume logs come from billing). */
@Injectable()
export class LogsService {
  constructor(@InjectRepository(Log) private readonly logs: Repository<Log>) {}

  toRow(entry: NewLog): Partial<Log> {
    return {
      userId: entry.userId,
      createdAt: unixNow(),
      type: entry.type,
      content: entry.content,
      username: entry.username ?? '',
      tokenName: entry.tokenName ?? '',
      modelName: entry.modelName ?? '',
      quota: entry.quota ?? 0,
      promptTokens: entry.promptTokens ?? 0,
      completionTokens: entry.completionTokens ?? 0,
      channelId: entry.channelId ?? 0,
      requestId: entry.requestId ?? '',
      elapsedTime: entry.elapsedTime ?? 0,
      isStream: entry.isStream ?? false,
      systemPromptReset: entry.systemPromptReset ?? false,
    };
  }

  /** Inserts one log row, inside the caller's transaction when a manager is given. */
  async record(entry: NewLog, manager?: EntityManager): Promise<void> {
    const repo = manager ? manager.getRepository(Log) : this.logs;
    await repo.insert(this.toRow(entry));
  }
}
