import { Type } from 'class-transformer';
import { IsInt, IsOptional, IsString, Min } from 'class-validator';
import type { LogDto } from '@one-api/contracts';
import { Log } from '@one-api/server-db';

/** Filters of GET /api/log, /api/log/stat and their /self variants (every one optional; 0 or "" means "any"). */
export class LogQueryDto {
  @IsOptional() @Type(() => Number) @IsInt() @Min(0) p?: number;
  @IsOptional() @Type(() => Number) @IsInt() @Min(1) size?: number;
  @IsOptional() @Type(() => Number) @IsInt() @Min(0) type?: number;
  @IsOptional() @Type(() => Number) @IsInt() @Min(0) start_timestamp?: number;
  @IsOptional() @Type(() => Number) @IsInt() @Min(0) end_timestamp?: number;
  @IsOptional() @IsString() username?: string;
  @IsOptional() @IsString() token_name?: string;
  @IsOptional() @IsString() model_name?: string;
  @IsOptional() @Type(() => Number) @IsInt() @Min(0) channel?: number;
}

export class LogSearchDto {
  @IsOptional() @IsString() keyword?: string;
}

export class DeleteLogsQueryDto {
  @IsOptional() @Type(() => Number) @IsInt() @Min(0) target_timestamp?: number;
}

export function toLogDto(log: Log): LogDto {
  return {
    id: log.id,
    user_id: log.userId ?? 0,
    created_at: log.createdAt ?? 0,
    type: log.type ?? 0,
    content: log.content ?? '',
    username: log.username ?? '',
    token_name: log.tokenName ?? '',
    model_name: log.modelName ?? '',
    quota: log.quota ?? 0,
    prompt_tokens: log.promptTokens ?? 0,
    completion_tokens: log.completionTokens ?? 0,
    channel: log.channelId ?? 0,
    request_id: log.requestId ?? '',
    elapsed_time: log.elapsedTime ?? 0,
    is_stream: !!log.isStream,
    system_prompt_reset: !!log.systemPromptReset,
  };
}
