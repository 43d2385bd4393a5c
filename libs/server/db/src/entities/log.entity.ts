import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';

@Entity('logs')
export class Log {
  @PrimaryGeneratedColumn() id!: number;
  @Column({ name: 'user_id', type: 'bigint', nullable: true }) userId!: number | null;
  @Column({ name: 'created_at', type: 'bigint', nullable: true }) createdAt!: number;
  @Column({ type: 'integer', nullable: true }) type!: number;
  @Column({ type: 'text', nullable: true }) content!: string | null;
  @Column({ type: 'text', default: '' }) username!: string;
  @Column({ name: 'token_name', type: 'text', default: '' }) tokenName!: string;
  @Column({ name: 'model_name', type: 'text', default: '' }) modelName!: string;
  @Column({ type: 'bigint', default: 0 }) quota!: number;
  @Column({ name: 'prompt_tokens', type: 'bigint', default: 0 }) promptTokens!: number;
  @Column({ name: 'completion_tokens', type: 'bigint', default: 0 }) completionTokens!: number;
  @Column({ name: 'channel_id', type: 'bigint', nullable: true }) channelId!: number | null;
  @Column({ name: 'request_id', type: 'text', default: '' }) requestId!: string;
  @Column({ name: 'elapsed_time', type: 'bigint', default: 0 }) elapsedTime!: number;
  @Column({ name: 'is_stream', type: 'boolean', default: false }) isStream!: boolean;
  @Column({ name: 'system_prompt_reset', type: 'boolean', default: false }) systemPromptReset!: boolean;
  /** Added by this gateway: the API key that paid (token names are not unique). */
  @Column({ name: 'token_id', type: 'bigint', nullable: true, default: 0 }) tokenId!: number | null;
  /** Added by this gateway: the model the caller asked for, before channel model mapping. */
  @Column({ name: 'origin_model_name', type: 'text', nullable: true, default: '' }) originModelName!:
    | string
    | null;
  /** Added by this gateway: the request's trace (GET /api/trace/log/:id). */
  @Column({ name: 'trace_id', type: 'varchar', length: 64, nullable: true, default: '' }) traceId!:
    | string
    | null;
  /** The fork's column: prompt tokens read from a provider cache (part of prompt_tokens). */
  @Column({ name: 'cached_prompt_tokens', type: 'bigint', nullable: true, default: 0 }) cachedPromptTokens!:
    | number
    | null;
  /** The fork's column: JSON usage details (cache writes 5m / 1h, reasoning tokens). */
  @Column({ type: 'text', nullable: true }) metadata!: string | null;
}
