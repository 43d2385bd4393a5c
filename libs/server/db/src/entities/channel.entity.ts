import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';

const numberFromDecimal = {
  to: (value: number | null | undefined) => value,
  from: (value: string | number | null) => (value === null || value === undefined ? null : Number(value)),
};

@Entity('channels')
export class Channel {
  @PrimaryGeneratedColumn() id!: number;
  @Column({ type: 'integer', default: 0 }) type!: number;
  @Column({ type: 'text', nullable: true }) key!: string | null;
  @Column({ type: 'integer', default: 1 }) status!: number;
  @Column({ type: 'text', nullable: true }) name!: string | null;
  @Column({ type: 'bigint', nullable: true, default: 0 }) weight!: number | null;
  @Column({ name: 'created_time', type: 'bigint', nullable: true }) createdTime!: number | null;
  @Column({ name: 'test_time', type: 'bigint', nullable: true }) testTime!: number | null;
  @Column({ name: 'response_time', type: 'bigint', nullable: true }) responseTime!: number | null;
  @Column({ name: 'base_url', type: 'text', nullable: true, default: '' }) baseUrl!: string | null;
  @Column({ type: 'text', nullable: true }) other!: string | null;
  @Column({ type: 'double precision', nullable: true, transformer: numberFromDecimal }) balance!:
    | number
    | null;
  @Column({ name: 'balance_updated_time', type: 'bigint', nullable: true }) balanceUpdatedTime!:
    | number
    | null;
  @Column({ type: 'text', nullable: true }) models!: string | null;
  @Column({ name: 'group', type: 'varchar', length: 32, default: 'default' }) group!: string;
  @Column({ name: 'used_quota', type: 'bigint', default: 0 }) usedQuota!: number;
  @Column({ name: 'model_mapping', type: 'varchar', length: 1024, nullable: true, default: '' })
  modelMapping!: string | null;
  @Column({ type: 'bigint', nullable: true, default: 0 }) priority!: number | null;
  /** JSON string: region, ak, sk, user_id, api_version, library_id, plugin, vertex_ai_project_id, vertex_ai_adc. */
  @Column({ type: 'text', nullable: true }) config!: string | null;
  @Column({ name: 'system_prompt', type: 'text', nullable: true }) systemPrompt!: string | null;
  /** The fork's per-model prices on this channel (JSON; see docs/billing.md). Added by migration 0006. */
  @Column({ name: 'model_configs', type: 'text', nullable: true }) modelConfigs!: string | null;
}
