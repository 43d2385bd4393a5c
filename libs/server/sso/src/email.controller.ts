import { Body, Controller, Get, HttpCode, Post, Query, UseGuards } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { IsEmail, IsNotEmpty, IsOptional, IsString, Length, MaxLength } from 'class-validator';
import { Not, Repository } from 'typeorm';
import { UserStatus } from '@one-api/contracts';
import { badRequest, conflict, Envelope, hashPassword, ok, randomAlnum } from '@one-api/server-common';
import { User } from '@one-api/server-db';
import { MailService } from '@one-api/server-mail';
import { OptionsService } from '@one-api/server-options';
import {
  normalizeEmail,
  TurnstileGuard,
  UsersService,
  VERIFICATION_VALID_SECONDS,
  VerificationCodeService,
} from '@one-api/server-users';
import { trimSlash } from './redirects';

export class ResetPasswordDto {
  @IsEmail() @MaxLength(50) email!: string;
  @IsString() @IsNotEmpty() @MaxLength(64) token!: string;
  /** Optional: the new password; without it a random 12-character one is set and returned (One API). */
  @IsOptional() @IsString() @Length(8, 20) password?: string;
}

const EMAIL_PATTERN = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const HTML_ENTITIES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};
const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (c) => HTML_ENTITIES[c] ?? c);

/**
 * Email flows of One API: `GET /api/verification` mails a 6-digit code (registration, email binding),
 * `GET /api/reset_password` mails a reset link to `{ServerAddress}/user/reset?email=&token=`, and
 * `POST /api/user/reset` spends that token for a new password.
 */
@Controller('api')
export class EmailController {
  constructor(
    private readonly codes: VerificationCodeService,
    private readonly mail: MailService,
    private readonly options: OptionsService,
    private readonly users: UsersService,
    @InjectRepository(User) private readonly userRows: Repository<User>,
  ) {}

  private readEmail(value: unknown): string {
    const email = typeof value === 'string' ? value.trim() : '';
    if (!email || email.length > 50 || !EMAIL_PATTERN.test(email)) throw badRequest('email must be an email');
    return email;
  }

  private get systemName(): string {
    return this.options.get('SystemName') || 'One API';
  }

  @Get('verification')
  @UseGuards(TurnstileGuard)
  async verification(@Query('email') emailParam?: string): Promise<Envelope> {
    const email = this.readEmail(emailParam);
    this.users.assertEmailDomainAllowed(email);
    if (await this.userRows.existsBy({ email: normalizeEmail(email), status: Not(UserStatus.Deleted) })) {
      throw conflict('This email address is already in use');
    }
    const code = await this.codes.issue('email', email);
    const minutes = VERIFICATION_VALID_SECONDS / 60;
    await this.mail.send({
      to: email,
      subject: `${this.systemName} email verification`,
      text: `Your verification code is ${code}. It is valid for ${minutes} minutes. If you did not ask for it, ignore this email.`,
      html:
        `<p>Hello,</p><p>Your ${escapeHtml(this.systemName)} verification code is <strong>${code}</strong>.</p>` +
        `<p>It is valid for ${minutes} minutes. If you did not ask for it, ignore this email.</p>`,
    });
    return ok();
  }

  /** Always answers success, so the endpoint does not tell which addresses have accounts. */
  @Get('reset_password')
  @UseGuards(TurnstileGuard)
  async resetPassword(@Query('email') emailParam?: string): Promise<Envelope> {
    const email = this.readEmail(emailParam);
    const account = await this.userRows.findOne({
      where: { email: normalizeEmail(email), status: UserStatus.Enabled },
      order: { id: 'ASC' },
    });
    if (!account) return ok();
    const token = await this.codes.issue('reset', email);
    const base = trimSlash(this.options.get('ServerAddress').trim());
    const link = `${base}/user/reset?email=${encodeURIComponent(email)}&token=${encodeURIComponent(token)}`;
    const minutes = VERIFICATION_VALID_SECONDS / 60;
    await this.mail.send({
      to: email,
      subject: `${this.systemName} password reset`,
      text: `Open this link within ${minutes} minutes to reset your password: ${link}\nIf you did not ask for it, ignore this email.`,
      html:
        `<p>Hello,</p><p>Open <a href="${escapeHtml(link)}">this link</a> within ${minutes} minutes to reset your ` +
        `${escapeHtml(this.systemName)} password:</p><p>${escapeHtml(link)}</p>` +
        `<p>If you did not ask for it, ignore this email.</p>`,
    });
    return ok();
  }

  /** Spends a reset token: `data` is the new password. Every session of the account ends (its password changed). */
  @Post('user/reset')
  @HttpCode(200)
  async reset(@Body() dto: ResetPasswordDto): Promise<Envelope<string>> {
    if (!(await this.codes.consume('reset', dto.email, dto.token))) {
      throw badRequest('The reset link is invalid or has expired');
    }
    const password = dto.password ?? randomAlnum(12);
    const result = await this.userRows.update(
      { email: normalizeEmail(dto.email), status: UserStatus.Enabled },
      { password: await hashPassword(password) },
    );
    if (!result.affected) throw badRequest('The reset link is invalid or has expired');
    return ok(password);
  }
}
