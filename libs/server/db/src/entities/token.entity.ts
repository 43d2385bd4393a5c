import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';

@Entity('tokens')
export class Token {
  @PrimaryGeneratedColumn() id!: number;
  @Column({ name: 'user_id', type: 'bigint' }) userId!: number;
  /** Stored bare (48 chars, no "sk-"), exactly as One API stores it. */
  @Column({ type: 'varchar', length: 48 }) key!: string;
  @Column({ type: 'integer', default: 1 }) status!: number;
  @Column({ type: 'text', nullable: true }) name!: string | null;
  @Column({ name: 'created_time', type: 'bigint', nullable: true }) createdTime!: number | null;
  @Column({ name: 'accessed_time', type: 'bigint', nullable: true }) accessedTime!: number | null;
  @Column({ name: 'expired_time', type: 'bigint', default: -1 }) expiredTime!: number;
  @Column({ name: 'remain_quota', type: 'bigint', default: 0 }) remainQuota!: number;
  @Column({ name: 'unlimited_quota', type: 'boolean', default: false }) unlimitedQuota!: boolean;
  @Column({ name: 'used_quota', type: 'bigint', default: 0 }) usedQuota!: number;
  /** Comma-separated allow-list; NULL or empty means every model. */
  @Column({ type: 'text', nullable: true }) models!: string | null;
  /** Comma-separated CIDR allow-list; empty means any address. */
  @Column({ type: 'text', nullable: true, default: '' }) subnet!: string | null;
}
