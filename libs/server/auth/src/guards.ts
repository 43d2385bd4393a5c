import {
  applyDecorators,
  createParamDecorator,
  ExecutionContext,
  Injectable,
  SetMetadata,
  UseGuards,
} from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { AuthGuard } from '@nestjs/passport';
import { Role } from '@one-api/contracts';
import { ApiError, forbidden } from '@one-api/server-common';
import { AppConfig } from '@one-api/server-config';
import { AuthUser } from './auth-user';
import { MANAGEMENT_STRATEGY } from './management.strategy';

const MIN_ROLE = 'one-api:min-role';
const ALLOWED_BEFORE_PASSWORD_CHANGE = 'one-api:allowed-before-password-change';

/** Marks a route a root session may use while it still has to replace the seeded password (read/change self). */
export const AllowBeforePasswordChange = () => SetMetadata(ALLOWED_BEFORE_PASSWORD_CHANGE, true);

export const PASSWORD_CHANGE_REQUIRED = 'password_change_required';

@Injectable()
export class ManagementAuthGuard extends AuthGuard(MANAGEMENT_STRATEGY) {
  constructor(
    private readonly reflector: Reflector,
    private readonly config: AppConfig,
  ) {
    super();
  }

  override async canActivate(context: ExecutionContext): Promise<boolean> {
    await super.canActivate(context);
    const minRole =
      this.reflector.getAllAndOverride<number>(MIN_ROLE, [context.getHandler(), context.getClass()]) ??
      Role.Common;
    const user = context.switchToHttp().getRequest().user as AuthUser;
    if (user.role < minRole) throw forbidden('Permission denied: your role cannot perform this action');
    if (
      user.passwordChangeRequired &&
      user.via === 'session' &&
      this.config.forceRootPasswordChange &&
      !this.reflector.getAllAndOverride<boolean>(ALLOWED_BEFORE_PASSWORD_CHANGE, [
        context.getHandler(),
        context.getClass(),
      ])
    ) {
      throw new ApiError(
        'Root still has the default password: change it (PUT /api/user/self) before doing anything else',
        403,
        { [PASSWORD_CHANGE_REQUIRED]: true },
      );
    }
    return true;
  }

  override handleRequest<T>(err: unknown, user: T): T {
    if (err) throw err;
    return user;
  }
}

/** Signed-in callers with at least this role (One API: user 1, admin 10, root 100). */
export const RequireRole = (role: number) =>
  applyDecorators(SetMetadata(MIN_ROLE, role), UseGuards(ManagementAuthGuard));
export const UserAuth = () => RequireRole(Role.Common);
export const AdminAuth = () => RequireRole(Role.Admin);
export const RootAuth = () => RequireRole(Role.Root);

export const CurrentUser = createParamDecorator(
  (_data: unknown, ctx: ExecutionContext): AuthUser => ctx.switchToHttp().getRequest().user as AuthUser,
);
