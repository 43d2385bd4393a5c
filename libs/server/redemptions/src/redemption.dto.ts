import { Type } from 'class-transformer';
import { IsIn, IsInt, IsNotEmpty, IsOptional, IsString, Length, Max, Min } from 'class-validator';
import { RedemptionStatus, type RedemptionDto } from '@one-api/contracts';
import { Redemption } from '@one-api/server-db';

export class PageQueryDto {
  @IsOptional() @Type(() => Number) @IsInt() @Min(0) p?: number;
  @IsOptional() @Type(() => Number) @IsInt() @Min(1) size?: number;
}

export class SearchQueryDto extends PageQueryDto {
  @IsOptional() @IsString() keyword?: string;
}

export class CreateRedemptionDto {
  @IsString() @Length(1, 20, { message: 'name must be 1 to 20 characters long' }) name!: string;
  /** 0 or omitted: One API's column default, 100 */
  @IsOptional() @IsInt() @Min(0) quota?: number;
  @IsInt()
  @Min(1, { message: 'count must be between 1 and 100' })
  @Max(100, { message: 'count must be between 1 and 100' })
  count!: number;
}

export class UpdateRedemptionDto {
  @IsInt() @Min(1) id!: number;
  @IsOptional() @IsString() @Length(1, 20, { message: 'name must be 1 to 20 characters long' }) name?: string;
  @IsOptional() @IsInt() @Min(0) quota?: number;
  @IsOptional()
  @IsIn([RedemptionStatus.Enabled, RedemptionStatus.Disabled, RedemptionStatus.Used], {
    message: 'status must be 1 (enabled), 2 (disabled) or 3 (used)',
  })
  status?: number;
}

export class StatusOnlyQueryDto {
  @IsOptional() @IsString() status_only?: string;
}

export class TopupDto {
  @IsString() @IsNotEmpty() key!: string;
}

export function toRedemptionDto(r: Redemption): RedemptionDto {
  return {
    id: r.id,
    user_id: r.userId ?? 0,
    key: r.key,
    status: r.status,
    name: r.name ?? '',
    quota: r.quota,
    created_time: r.createdTime ?? 0,
    redeemed_time: r.redeemedTime ?? 0,
  };
}
