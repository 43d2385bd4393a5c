import { Module, OnModuleInit } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { MailModule } from '@one-api/server-mail';
import { OptionsService } from '@one-api/server-options';
import { UsersModule } from '@one-api/server-users';
import { EmailController } from './email.controller';
import { ExternalSignInService } from './external-sign-in.service';
import { GitHubService } from './github.service';
import { EmailBindController, OAuthController } from './oauth.controller';
import { OidcService } from './oidc.service';
import { OriginCheckGuard } from './origin-check.guard';
import { TotpController } from './totp.controller';

/** Options this module adds to One API's set (explicit-endpoint OIDC without discovery). */
export const SSO_OPTION_DEFAULTS: Record<string, string> = {
  /** issuer expected in ID tokens when OidcWellKnown is not used (default: origin of the authorization endpoint) */
  OidcIssuer: '',
  /** JWKS URL to verify ID token signatures when OidcWellKnown is not used */
  OidcJwksUri: '',
};

@Module({
  imports: [UsersModule, MailModule],
  controllers: [OAuthController, EmailBindController, EmailController, TotpController],
  providers: [
    OidcService,
    GitHubService,
    ExternalSignInService,
    OriginCheckGuard,
    { provide: APP_GUARD, useExisting: OriginCheckGuard },
  ],
  exports: [OidcService, GitHubService, ExternalSignInService],
})
export class SsoModule implements OnModuleInit {
  constructor(private readonly options: OptionsService) {}

  onModuleInit(): void {
    for (const [key, value] of Object.entries(SSO_OPTION_DEFAULTS)) this.options.registerDefault(key, value);
  }
}
