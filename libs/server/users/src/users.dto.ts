import {
  IsEmail,
  IsIn,
  IsInt,
  IsNotEmpty,
  IsOptional,
  IsString,
  Length,
  MaxLength,
  Min,
  ValidateIf,
} from 'class-validator';
import { Role } from '@one-api/contracts';

/** Username length limit (One API's fork; upstream allowed 12). */
export const USERNAME_MAX = 30;
export const DISPLAY_NAME_MAX = 20;
export const EMAIL_MAX = 50;
export const GROUP_MAX = 32;
export const ASSIGNABLE_ROLES = [Role.Common, Role.Admin, Role.Root] as const;
export const MANAGE_ACTIONS = ['disable', 'enable', 'delete', 'promote', 'demote'] as const;
export type ManageAction = (typeof MANAGE_ACTIONS)[number];

/** An optional password where "" means "keep the current one", as One API's forms send it. */
const givenPassword = (o: { password?: string | null }) =>
  o.password !== undefined && o.password !== null && o.password !== '';
/** An optional email where "" clears it. */
const givenEmail = (o: { email?: string | null }) =>
  o.email !== undefined && o.email !== null && o.email !== '';

export class LoginDto {
  @IsString() @IsNotEmpty() username!: string;
  @IsString() @IsNotEmpty() password!: string;
  /** the current code of the user's authenticator app, when two-factor sign-in is on (One API's fork) */
  @IsOptional() @IsString() @MaxLength(16) totp_code?: string;
}

export class RegisterDto {
  @IsString() @IsNotEmpty() @MaxLength(USERNAME_MAX) username!: string;
  @IsString() @Length(8, 20) password!: string;
  @ValidateIf(givenEmail) @IsEmail() @MaxLength(EMAIL_MAX) email?: string;
  @IsOptional() @IsString() verification_code?: string;
  @IsOptional() @IsString() @MaxLength(32) aff_code?: string;
}

export class UpdateSelfDto {
  @IsOptional() @IsString() @IsNotEmpty() @MaxLength(USERNAME_MAX) username?: string;
  @IsOptional() @IsString() @MaxLength(DISPLAY_NAME_MAX) display_name?: string;
  @ValidateIf(givenPassword) @IsString() @Length(8, 20) password?: string;
}

export class CreateUserDto {
  @IsString() @IsNotEmpty() @MaxLength(USERNAME_MAX) username!: string;
  @IsString() @Length(8, 20) password!: string;
  @IsOptional() @IsString() @MaxLength(DISPLAY_NAME_MAX) display_name?: string;
  @ValidateIf(givenEmail) @IsEmail() @MaxLength(EMAIL_MAX) email?: string;
  @IsOptional() @IsInt() @IsIn(ASSIGNABLE_ROLES) role?: number;
  @IsOptional() @IsInt() @Min(0) quota?: number;
  @IsOptional() @IsString() @IsNotEmpty() @MaxLength(GROUP_MAX) group?: string;
}

export class UpdateUserDto {
  @IsInt() @Min(1) id!: number;
  @IsOptional() @IsString() @IsNotEmpty() @MaxLength(USERNAME_MAX) username?: string;
  @IsOptional() @IsString() @MaxLength(DISPLAY_NAME_MAX) display_name?: string;
  @ValidateIf(givenPassword) @IsString() @Length(8, 20) password?: string;
  @ValidateIf(givenEmail) @IsEmail() @MaxLength(EMAIL_MAX) email?: string;
  @IsOptional() @IsInt() @Min(0) quota?: number;
  @IsOptional() @IsString() @IsNotEmpty() @MaxLength(GROUP_MAX) group?: string;
  @IsOptional() @IsInt() @IsIn(ASSIGNABLE_ROLES) role?: number;
}

export class ManageUserDto {
  @IsString() @IsNotEmpty() username!: string;
  @IsString() @IsIn(MANAGE_ACTIONS) action!: ManageAction;
}

export class AdminTopUpDto {
  @IsInt() @Min(1) user_id!: number;
  @IsInt() @Min(1) quota!: number;
  @IsOptional() @IsString() @MaxLength(255) remark?: string;
}
