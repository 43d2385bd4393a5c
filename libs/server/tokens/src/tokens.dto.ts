import {
  IsBoolean,
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  Max,
  MaxLength,
  Min,
  ValidateBy,
} from 'class-validator';
import { TokenStatus } from '@one-api/contracts';
import { normalizeSubnets, TOKEN_NAME_MAX, TOKEN_SUBNET_MAX } from './token-rules';

const IsNotBlank = () =>
  ValidateBy({
    name: 'isNotBlank',
    validator: {
      validate: (v: unknown) => typeof v === 'string' && v.trim().length > 0,
      defaultMessage: (args) => `${args?.property} must not be blank`,
    },
  });

/** A comma list of CIDR blocks; the message names the first bad block. */
const IsSubnetList = () =>
  ValidateBy({
    name: 'isSubnetList',
    validator: {
      validate: (v: unknown) => {
        if (typeof v !== 'string') return false;
        const parsed = normalizeSubnets(v);
        return parsed.ok && parsed.value.length <= TOKEN_SUBNET_MAX;
      },
      defaultMessage: (args) => {
        const parsed = typeof args?.value === 'string' ? normalizeSubnets(args.value) : undefined;
        if (parsed && !parsed.ok)
          return `subnet: "${parsed.invalid}" is not a valid CIDR block (e.g. 192.168.0.0/24)`;
        if (parsed?.ok) return `subnet must be at most ${TOKEN_SUBNET_MAX} characters`;
        return 'subnet must be a comma-separated list of CIDR blocks';
      },
    },
  });

const MAX_INT = Number.MAX_SAFE_INTEGER;

/** The editable fields of a token, shared by create and full update. */
class TokenFieldsDto {
  /** Unix seconds; -1 (or 0 / omitted) = never expires. */
  @IsOptional() @IsInt() @Min(-1) @Max(MAX_INT) expired_time?: number;
  @IsOptional() @IsInt() @Min(-MAX_INT) @Max(MAX_INT) remain_quota?: number;
  @IsOptional() @IsBoolean() unlimited_quota?: boolean;
  /** Comma list of allowed models; null or "" = every model. */
  @IsOptional() @IsString() models?: string | null;
  /** Comma list of CIDR blocks the token may be used from; null or "" = anywhere. */
  @IsOptional() @IsString() @IsSubnetList() subnet?: string | null;
}

export class CreateTokenDto extends TokenFieldsDto {
  @IsString() @IsNotBlank() @MaxLength(TOKEN_NAME_MAX) name!: string;
}

/** PUT /api/token/: a full update, or with ?status_only only `status`. Omitted fields keep their value. */
export class UpdateTokenDto extends TokenFieldsDto {
  @IsInt() @Min(1) id!: number;
  @IsOptional() @IsString() @IsNotBlank() @MaxLength(TOKEN_NAME_MAX) name?: string;
  @IsOptional() @IsInt() @IsIn([TokenStatus.Enabled, TokenStatus.Disabled]) status?: number;
}
