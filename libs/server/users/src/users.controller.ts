import {
  Body,
  Controller,
  Delete,
  Get,
  HttpCode,
  Param,
  ParseIntPipe,
  Post,
  Put,
  Query,
  Req,
  Res,
  UseGuards,
} from '@nestjs/common';
import type { Request, Response } from 'express';
import {
  AdminAuth,
  AllowBeforePasswordChange,
  AuthUser,
  CurrentUser,
  hasDefaultRootPassword,
  SessionService,
  UserAuth,
} from '@one-api/server-auth';
import { badRequest, Envelope, ok, page, pageWindow } from '@one-api/server-common';
import { AppConfig } from '@one-api/server-config';
import type { UserDto } from '@one-api/contracts';
import {
  AdminTopUpDto,
  CreateUserDto,
  LoginDto,
  ManageUserDto,
  RegisterDto,
  UpdateSelfDto,
  UpdateUserDto,
} from './users.dto';
import { DashboardRow, LoginView, toLoginView, toUserDto } from './user-view';
import { UsersService } from './users.service';
import { SignInService } from './sign-in/sign-in.service';
import { TurnstileGuard } from './sign-in/turnstile.service';

/** Added to sign-in and /api/user/self answers while root still has the seeded password. */
type PasswordWarning = { password_change_required?: true };

export const idPipe = new ParseIntPipe({ exceptionFactory: () => badRequest('id must be an integer') });

interface ListQuery {
  p?: string;
  size?: string;
  page_size?: string;
  keyword?: string;
}

/**
 * /api/user: One API's account routes. Static paths are declared before `:id` so Nest matches them first.
 */
@Controller('api/user')
export class UsersController {
  constructor(
    private readonly users: UsersService,
    private readonly sessions: SessionService,
    private readonly config: AppConfig,
    private readonly signIn: SignInService,
  ) {}

  // ---------------------------------------------------------------- public

  @Post('login')
  @HttpCode(200)
  async login(
    @Body() dto: LoginDto,
    @Req() req: Request,
    @Res({ passthrough: true }) res: Response,
  ): Promise<Envelope<LoginView & PasswordWarning>> {
    const user = await this.signIn.passwordSignIn(dto, req.ip, req.query.turnstile);
    // A fresh signed value on every sign-in: whatever cookie the browser held before is replaced (no fixation).
    this.sessions.issue(res, user);
    const warning: PasswordWarning = (await hasDefaultRootPassword(user))
      ? { password_change_required: true }
      : {};
    return ok({ ...toLoginView(user), ...warning });
  }

  @Get('logout')
  logout(@Res({ passthrough: true }) res: Response): Envelope {
    this.sessions.clear(res);
    return ok();
  }

  @Post('register')
  @HttpCode(200)
  @UseGuards(TurnstileGuard)
  async register(@Body() dto: RegisterDto): Promise<Envelope> {
    await this.users.register(dto);
    return ok();
  }

  // ---------------------------------------------------------------- signed-in user

  @Get('self')
  @UserAuth()
  @AllowBeforePasswordChange()
  async self(@CurrentUser() caller: AuthUser): Promise<Envelope<UserDto & PasswordWarning>> {
    const warning: PasswordWarning = caller.passwordChangeRequired ? { password_change_required: true } : {};
    return ok({ ...toUserDto(await this.users.get(caller.id)), ...warning });
  }

  @Put('self')
  @UserAuth()
  @AllowBeforePasswordChange()
  async updateSelf(
    @CurrentUser() caller: AuthUser,
    @Body() dto: UpdateSelfDto,
    @Res({ passthrough: true }) res: Response,
  ): Promise<Envelope<UserDto>> {
    const { user, passwordChanged } = await this.users.updateSelf(caller, dto);
    // The session carries a fingerprint of the password hash: re-issue it so this browser stays signed in.
    if (passwordChanged && caller.via === 'session') this.sessions.issue(res, user);
    return ok(toUserDto(user));
  }

  @Delete('self')
  @UserAuth()
  async deleteSelf(
    @CurrentUser() caller: AuthUser,
    @Res({ passthrough: true }) res: Response,
  ): Promise<Envelope> {
    await this.users.deleteSelf(caller);
    this.sessions.clear(res);
    return ok();
  }

  @Get('token')
  @UserAuth()
  async token(@CurrentUser() caller: AuthUser): Promise<Envelope<string>> {
    return ok(await this.users.rotateAccessToken(caller.id));
  }

  @Get('aff')
  @UserAuth()
  async aff(@CurrentUser() caller: AuthUser): Promise<Envelope<string>> {
    return ok(await this.users.affCode(caller.id));
  }

  @Get('available_models')
  @UserAuth()
  async availableModels(@CurrentUser() caller: AuthUser): Promise<Envelope<string[]>> {
    return ok(await this.users.availableModels(caller.group));
  }

  @Get('dashboard')
  @UserAuth()
  async dashboard(@CurrentUser() caller: AuthUser): Promise<Envelope<DashboardRow[]>> {
    return ok(await this.users.dashboard(caller.id));
  }

  // ---------------------------------------------------------------- admin

  @Get('search')
  @AdminAuth()
  async search(@Query() query: ListQuery): Promise<Envelope<UserDto[]>> {
    const keyword = typeof query.keyword === 'string' ? query.keyword.trim() : '';
    const [rows, total] = await this.users.search(keyword, pageWindow(query, this.config.maxItemsPerPage));
    return page(rows.map(toUserDto), total);
  }

  @Post('manage')
  @AdminAuth()
  @HttpCode(200)
  async manage(
    @CurrentUser() caller: AuthUser,
    @Body() dto: ManageUserDto,
  ): Promise<Envelope<{ role: number; status: number }>> {
    return ok(await this.users.manage(caller, dto.username, dto.action));
  }

  @Get()
  @AdminAuth()
  async list(@Query() query: ListQuery): Promise<Envelope<UserDto[]>> {
    const [rows, total] = await this.users.list(pageWindow(query, this.config.maxItemsPerPage));
    return page(rows.map(toUserDto), total);
  }

  @Post()
  @AdminAuth()
  @HttpCode(200)
  async create(@CurrentUser() caller: AuthUser, @Body() dto: CreateUserDto): Promise<Envelope<UserDto>> {
    return ok(toUserDto(await this.users.create(caller, dto)));
  }

  @Put()
  @AdminAuth()
  async update(@CurrentUser() caller: AuthUser, @Body() dto: UpdateUserDto): Promise<Envelope<UserDto>> {
    return ok(toUserDto(await this.users.update(caller, dto)));
  }

  @Get(':id')
  @AdminAuth()
  async getById(
    @CurrentUser() caller: AuthUser,
    @Param('id', idPipe) id: number,
  ): Promise<Envelope<UserDto>> {
    return ok(toUserDto(await this.users.getManaged(caller, id)));
  }

  @Delete(':id')
  @AdminAuth()
  async remove(@CurrentUser() caller: AuthUser, @Param('id', idPipe) id: number): Promise<Envelope> {
    await this.users.remove(caller, id);
    return ok();
  }
}

/** POST /api/topup: an admin credits quota to a user. */
@Controller('api/topup')
export class AdminTopUpController {
  constructor(private readonly users: UsersService) {}

  @Post()
  @AdminAuth()
  @HttpCode(200)
  async topUp(@CurrentUser() caller: AuthUser, @Body() dto: AdminTopUpDto): Promise<Envelope<number>> {
    return ok(await this.users.topUp(caller, dto.user_id, dto.quota, dto.remark));
  }
}
