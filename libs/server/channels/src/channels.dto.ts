import { Allow, IsIn, IsInt, IsOptional, IsString, Max, MaxLength, Min, ValidateBy } from 'class-validator';
import { ChannelStatus } from '@one-api/contracts';
import { modelConfigsProblem } from '@one-api/server-billing';
import {
  CHANNEL_BASE_URL_MAX,
  CHANNEL_NAME_MAX,
  configProblem,
  groupProblem,
  isKnownChannelType,
  modelMappingProblem,
  modelsProblem,
} from './channel-rules';

/** A class-validator rule from a "what is wrong with this value" function. */
const Checked = (name: string, problem: (value: unknown) => string | null) =>
  ValidateBy({
    name,
    validator: {
      validate: (v: unknown) => problem(v) === null,
      defaultMessage: (args) => problem(args?.value) ?? `${args?.property} is invalid`,
    },
  });

const IsNotBlank = () =>
  Checked('isNotBlank', (v) =>
    typeof v === 'string' && v.trim().length > 0 ? null : 'name must not be blank',
  );
const IsChannelType = () =>
  Checked('isChannelType', (v) =>
    isKnownChannelType(v) ? null : `type ${String(v)} is not a known channel type`,
  );

const STATUSES = [ChannelStatus.Enabled, ChannelStatus.ManuallyDisabled, ChannelStatus.AutoDisabled];
const MAX_INT = Number.MAX_SAFE_INTEGER;

class ChannelFieldsDto {
  @IsOptional() @IsString() key?: string | null;
  @IsOptional() @IsString() @MaxLength(CHANNEL_BASE_URL_MAX) base_url?: string | null;
  @IsOptional() @IsString() other?: string | null;
  @IsOptional() @Checked('isGroupList', groupProblem) group?: string | null;
  /** "" or a JSON object of string → string, as a string. */
  @IsOptional() @Checked('isModelMapping', modelMappingProblem) model_mapping?: string | null;
  @IsOptional() @IsInt() @Min(-MAX_INT) @Max(MAX_INT) priority?: number;
  @IsOptional() @IsInt() @Min(0) @Max(MAX_INT) weight?: number;
  /** A JSON object, or a string holding one; stored as a JSON string. */
  @Allow() @IsOptional() @Checked('isConfig', configProblem) config?: string | Record<string, unknown> | null;
  @IsOptional() @IsString() system_prompt?: string | null;
  @IsOptional() @IsInt() @IsIn(STATUSES) status?: number;
  /** The fork's per-model prices: a JSON object (or a string holding one), see docs/billing.md. */
  @Allow() @IsOptional() @Checked('isModelConfigs', modelConfigsProblem) model_configs?:
    | string
    | Record<string, unknown>
    | null;
}

export class CreateChannelDto extends ChannelFieldsDto {
  @IsInt() @IsChannelType() type!: number;
  @IsString() @IsNotBlank() @MaxLength(CHANNEL_NAME_MAX) name!: string;
  /** Comma list of model ids. */
  @IsString() @Checked('isModelList', modelsProblem) models!: string;
}

/** PUT /api/channel/: a full update (omitted fields and an empty key keep their value), or ?status_only. */
export class UpdateChannelDto extends ChannelFieldsDto {
  @IsInt() @Min(1) id!: number;
  @IsOptional() @IsInt() @IsChannelType() type?: number;
  @IsOptional() @IsString() @IsNotBlank() @MaxLength(CHANNEL_NAME_MAX) name?: string;
  @IsOptional() @IsString() @Checked('isModelList', modelsProblem) models?: string;
}
