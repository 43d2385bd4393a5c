import { Module } from '@nestjs/common';
import { LoginThrottle } from './sign-in/login-throttle.service';
import { SignInService } from './sign-in/sign-in.service';
import { TotpService } from './sign-in/totp.service';
import { TurnstileGuard, TurnstileService } from './sign-in/turnstile.service';
import { VerificationCodeService } from './sign-in/verification-codes.service';
import { AdminTopUpController, UsersController } from './users.controller';
import { UsersService } from './users.service';

const SIGN_IN_PROVIDERS = [
  VerificationCodeService,
  LoginThrottle,
  TotpService,
  TurnstileService,
  TurnstileGuard,
  SignInService,
];

@Module({
  controllers: [UsersController, AdminTopUpController],
  providers: [UsersService, ...SIGN_IN_PROVIDERS],
  exports: [UsersService, ...SIGN_IN_PROVIDERS],
})
export class UsersModule {}
