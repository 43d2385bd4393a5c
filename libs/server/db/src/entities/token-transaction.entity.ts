import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';

/** Statuses of an external-billing transaction (the fork's numbering). */
export enum TokenTransactionStatus {
  Pending = 1,
  Confirmed = 2,
  AutoConfirmed = 3,
  Canceled = 4,
}

/** One reservation of the external-billing API (POST /api/token/consume). */
@Entity('token_transactions')
export class TokenTransaction {
  @PrimaryGeneratedColumn() id!: number;
  @Column({ type: 'varchar', length: 36, nullable: true }) uuid!: string | null;
  @Column({ name: 'transaction_id', type: 'varchar', length: 64 }) transactionId!: string;
  @Column({ name: 'token_id', type: 'bigint' }) tokenId!: number;
  @Column({ name: 'token_uuid', type: 'varchar', length: 36, nullable: true }) tokenUuid!: string | null;
  @Column({ name: 'user_id', type: 'bigint' }) userId!: number;
  @Column({ name: 'user_uuid', type: 'varchar', length: 36, nullable: true }) userUuid!: string | null;
  @Column({ type: 'integer', default: TokenTransactionStatus.Pending }) status!: TokenTransactionStatus;
  @Column({ name: 'pre_quota', type: 'bigint', default: 0 }) preQuota!: number;
  @Column({ name: 'final_quota', type: 'bigint', nullable: true }) finalQuota!: number | null;
  @Column({ type: 'text', nullable: true }) reason!: string | null;
  @Column({ name: 'request_id', type: 'varchar', length: 64, nullable: true, default: '' }) requestId!:
    | string
    | null;
  @Column({ name: 'trace_id', type: 'varchar', length: 64, nullable: true, default: '' }) traceId!:
    | string
    | null;
  @Column({ name: 'expires_at', type: 'bigint', default: 0 }) expiresAt!: number;
  @Column({ name: 'confirmed_at', type: 'bigint', nullable: true }) confirmedAt!: number | null;
  @Column({ name: 'canceled_at', type: 'bigint', nullable: true }) canceledAt!: number | null;
  @Column({ name: 'auto_confirmed', type: 'boolean', default: false }) autoConfirmed!: boolean;
  @Column({ name: 'log_id', type: 'bigint', nullable: true }) logId!: number | null;
  @Column({ name: 'log_uuid', type: 'varchar', length: 36, nullable: true }) logUuid!: string | null;
  @Column({ name: 'elapsed_time_ms', type: 'bigint', default: 0 }) elapsedTimeMs!: number;
  @Column({ name: 'created_at', type: 'bigint', nullable: true }) createdAt!: number;
  @Column({ name: 'updated_at', type: 'bigint', nullable: true }) updatedAt!: number;
}
