import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { Token, User } from '@one-api/server-db';

export class InsufficientQuotaError extends Error {
  constructor(readonly holder: 'token' | 'user') {
    super(holder === 'token' ? 'The API key has run out of quota' : 'Your account has run out of quota');
    this.name = 'InsufficientQuotaError';
  }
}

export interface QuotaHolder {
  tokenId: number;
  userId: number;
  unlimitedToken: boolean;
}

/**
 * Holds quota before the upstream call with conditional decrements (`… WHERE remain >= amount`): concurrent
 * requests can never take more than there is, on any engine, without locks or read-then-write.
 */
@Injectable()
export class QuotaReservationService {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async reserve(holder: QuotaHolder, amount: number): Promise<number> {
    if (amount <= 0) return 0;
    if (!holder.unlimitedToken) {
      const token = await this.dataSource
        .createQueryBuilder()
        .update(Token)
        .set({ remainQuota: () => `remain_quota - ${amount}` })
        .where('id = :id AND remain_quota >= :amount', { id: holder.tokenId, amount })
        .execute();
      if (!token.affected) throw new InsufficientQuotaError('token');
    }
    const user = await this.dataSource
      .createQueryBuilder()
      .update(User)
      .set({ quota: () => `quota - ${amount}` })
      .where('id = :id AND quota >= :amount', { id: holder.userId, amount })
      .execute();
    if (!user.affected) {
      if (!holder.unlimitedToken) {
        await this.dataSource
          .createQueryBuilder()
          .update(Token)
          .set({ remainQuota: () => `remain_quota + ${amount}` })
          .where('id = :id', { id: holder.tokenId })
          .execute();
      }
      throw new InsufficientQuotaError('user');
    }
    return amount;
  }
}
