import { Body, Controller, Get, HttpCode, Param, ParseIntPipe, Post, Req, Res } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import type { Request, Response } from 'express';
import { IsNotEmpty, IsString, MaxLength } from 'class-validator';
import { Repository } from 'typeorm';
import { LogType } from '@one-api/contracts';
import { AdminAuth, AuthUser, CurrentUser, SessionService, UserAuth } from '@one-api/server-auth';
import { badRequest, Envelope, forbidden, notFound, ok, unauthorized } from '@one-api/server-common';
import { User } from '@one-api/server-db';
import { LogsService } from '@one-api/server-logs';
import { OptionsService } from '@one-api/server-options';
import { LoginThrottle, mayActOn, TotpService } from '@one-api/server-users';

export class TotpCodeDto {
  @IsString() @IsNotEmpty() @MaxLength(16) totp_code!: string;
}

export const TOTP_SETUP_COOKIE = 'totp_setup';
const TOTP_SETUP_PATH = '/api/user/totp';
const TOTP_SETUP_TTL = 10 * 60;
const TOTP_SETUP_PURPOSE = 'totp-setup';

const idPipe = new ParseIntPipe({ exceptionFactory: () => badRequest('id must be an integer') });

/**
 * Two-factor sign-in as One API's fork: `GET /api/user/totp/setup` returns a new secret and its otpauth:// URI
 * (kept pending in a sealed cookie), `POST /confirm {totp_code}` turns it on, `POST /disable {totp_code}` turns it
 * off, `GET /status` tells; admins clear it for a user with `POST /api/user/totp/disable/:id`. Wrong codes count
 * towards the sign-in throttle of the user (429 when exceeded).
 */
@Controller('api/user/totp')
export class TotpController {
  constructor(
    @InjectRepository(User) private readonly users: Repository<User>,
    private readonly totp: TotpService,
    private readonly throttle: LoginThrottle,
    private readonly sessions: SessionService,
    private readonly options: OptionsService,
    private readonly logs: LogsService,
  ) {}

  private async user(id: number): Promise<User> {
    const user = await this.users.findOneBy({ id });
    if (!user) throw notFound('User not found');
    return user;
  }

  private checkCode(user: User, secret: string, code: string): void {
    const key = `totp|${user.id}`;
    this.throttle.assertAllowed(key);
    if (!this.totp.verify(user.id, secret, code)) {
      this.throttle.recordFailure(key);
      throw unauthorized('Invalid TOTP code');
    }
    this.throttle.reset(key);
  }

  @Get('status')
  @UserAuth()
  async status(@CurrentUser() caller: AuthUser): Promise<Envelope<{ totp_enabled: boolean }>> {
    return ok({ totp_enabled: !!(await this.user(caller.id)).totpSecret });
  }

  @Get('setup')
  @UserAuth()
  async setup(
    @CurrentUser() caller: AuthUser,
    @Res({ passthrough: true }) res: Response,
  ): Promise<Envelope<{ secret: string; qr_code: string }>> {
    const user = await this.user(caller.id);
    if (user.totpSecret) throw badRequest('TOTP is already enabled; disable it first');
    const secret = this.totp.newSecret();
    this.sessions.setFlowCookie(
      res,
      TOTP_SETUP_COOKIE,
      this.sessions.seal(TOTP_SETUP_PURPOSE, { uid: user.id, secret }, TOTP_SETUP_TTL),
      TOTP_SETUP_PATH,
      TOTP_SETUP_TTL,
    );
    const issuer = this.options.get('SystemName') || 'One API';
    return ok({ secret, qr_code: this.totp.uri(secret, issuer, user.username) });
  }

  @Post('confirm')
  @UserAuth()
  @HttpCode(200)
  async confirm(
    @CurrentUser() caller: AuthUser,
    @Body() dto: TotpCodeDto,
    @Req() req: Request,
    @Res({ passthrough: true }) res: Response,
  ): Promise<Envelope> {
    const pending = this.sessions.open<{ uid: number; secret: string }>(
      TOTP_SETUP_PURPOSE,
      (req.cookies as Record<string, string> | undefined)?.[TOTP_SETUP_COOKIE],
    );
    if (!pending || pending.uid !== caller.id) {
      throw badRequest('No TOTP setup in progress: call GET /api/user/totp/setup first');
    }
    const user = await this.user(caller.id);
    if (user.totpSecret) throw badRequest('TOTP is already enabled');
    this.checkCode(user, pending.secret, dto.totp_code);
    await this.users.update({ id: user.id }, { totpSecret: pending.secret });
    this.sessions.clearFlowCookie(res, TOTP_SETUP_COOKIE, TOTP_SETUP_PATH);
    return { success: true, message: 'TOTP has been enabled' };
  }

  @Post('disable')
  @UserAuth()
  @HttpCode(200)
  async disable(@CurrentUser() caller: AuthUser, @Body() dto: TotpCodeDto): Promise<Envelope> {
    const user = await this.user(caller.id);
    if (!user.totpSecret) throw badRequest('TOTP is not enabled for this user');
    this.checkCode(user, user.totpSecret, dto.totp_code);
    await this.users.update({ id: user.id }, { totpSecret: '' });
    return { success: true, message: 'TOTP has been disabled' };
  }

  @Post('disable/:id')
  @AdminAuth()
  @HttpCode(200)
  async adminDisable(@CurrentUser() caller: AuthUser, @Param('id', idPipe) id: number): Promise<Envelope> {
    const user = await this.user(id);
    if (!mayActOn(caller.role, user.role)) {
      throw forbidden('You cannot change a user whose role is equal to or higher than your own');
    }
    if (!user.totpSecret) throw badRequest('TOTP is not enabled for this user');
    await this.users.update({ id: user.id }, { totpSecret: '' });
    await this.logs.record({
      userId: user.id,
      username: user.username,
      type: LogType.Manage,
      content: `Admin ${caller.username} (id ${caller.id}) turned off two-factor sign-in`,
    });
    return { success: true, message: 'TOTP has been disabled for the user' };
  }
}
