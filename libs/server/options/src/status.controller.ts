import { Controller, Get } from '@nestjs/common';
import { Envelope, ok, unixNow } from '@one-api/server-common';
import { readAppVersion } from './app-version';
import { OptionsService } from './options.service';

/** Public site information read by the login page and the admin app (never a secret). */
@Controller('api')
export class StatusController {
  private readonly version = readAppVersion();
  private readonly startTime = unixNow();

  constructor(private readonly options: OptionsService) {}

  @Get('status')
  status(): Envelope<Record<string, unknown>> {
    const o = this.options;
    return ok({
      version: this.version,
      start_time: this.startTime,
      email_verification: o.getBool('EmailVerificationEnabled'),
      github_oauth: o.getBool('GitHubOAuthEnabled'),
      github_client_id: o.get('GitHubClientId'),
      lark_client_id: o.get('LarkClientId'),
      system_name: o.get('SystemName'),
      logo: o.get('Logo'),
      footer_html: o.get('Footer'),
      wechat_qrcode: o.get('WeChatAccountQRCodeImageURL'),
      wechat_login: o.getBool('WeChatAuthEnabled'),
      server_address: o.get('ServerAddress'),
      turnstile_check: o.getBool('TurnstileCheckEnabled'),
      turnstile_site_key: o.get('TurnstileSiteKey'),
      top_up_link: o.get('TopUpLink'),
      chat_link: o.get('ChatLink'),
      quota_per_unit: o.getNumber('QuotaPerUnit', 500000),
      display_in_currency: o.getBool('DisplayInCurrencyEnabled'),
      oidc: o.getBool('OidcEnabled'),
      oidc_client_id: o.get('OidcClientId'),
      oidc_well_known: o.get('OidcWellKnown'),
      oidc_authorization_endpoint: o.get('OidcAuthorizationEndpoint'),
      oidc_token_endpoint: o.get('OidcTokenEndpoint'),
      oidc_userinfo_endpoint: o.get('OidcUserinfoEndpoint'),
      password_login: o.getBool('PasswordLoginEnabled'),
      password_register: o.getBool('PasswordRegisterEnabled'),
    });
  }

  @Get('notice')
  notice(): Envelope<string> {
    return ok(this.options.get('Notice'));
  }

  @Get('about')
  about(): Envelope<string> {
    return ok(this.options.get('About'));
  }

  @Get('home_page_content')
  homePageContent(): Envelope<string> {
    return ok(this.options.get('HomePageContent'));
  }
}
