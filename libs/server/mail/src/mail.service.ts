import { HttpStatus, Injectable, Logger } from '@nestjs/common';
import nodemailer from 'nodemailer';
import { ApiError } from '@one-api/server-common';
import { OptionsService } from '@one-api/server-options';

export interface MailMessage {
  to: string;
  subject: string;
  /** HTML body; a plain-text alternative is sent alongside */
  html: string;
  text: string;
}

export interface SmtpSettings {
  host: string;
  port: number;
  account: string;
  token: string;
  from: string;
}

/**
 * Outgoing mail over SMTP with nodemailer, configured by One API's options SMTPServer / SMTPPort / SMTPAccount /
 * SMTPToken / SMTPFrom (read on every send, so an admin's change applies at once). Port 465 uses implicit TLS;
 * other ports upgrade with STARTTLS when the server offers it.
 */
@Injectable()
export class MailService {
  private readonly logger = new Logger('Mail');

  constructor(private readonly options: OptionsService) {}

  settings(): SmtpSettings {
    const o = this.options;
    return {
      host: o.get('SMTPServer').trim(),
      port: o.getNumber('SMTPPort', 587) || 587,
      account: o.get('SMTPAccount').trim(),
      token: o.get('SMTPToken'),
      from: (o.get('SMTPFrom') || o.get('SMTPAccount')).trim(),
    };
  }

  get configured(): boolean {
    const s = this.settings();
    return !!s.host && !!s.from;
  }

  async send(message: MailMessage): Promise<void> {
    const s = this.settings();
    if (!s.host || !s.from) {
      throw new ApiError(
        'Email is not configured: the administrator must set SMTPServer and SMTPFrom (or SMTPAccount)',
        HttpStatus.SERVICE_UNAVAILABLE,
      );
    }
    const transport = nodemailer.createTransport({
      host: s.host,
      port: s.port,
      secure: s.port === 465,
      auth: s.account ? { user: s.account, pass: s.token } : undefined,
      connectionTimeout: 15_000,
      greetingTimeout: 15_000,
      socketTimeout: 30_000,
    });
    try {
      await transport.sendMail({
        from: { name: this.options.get('SystemName') || 'One API', address: s.from },
        to: message.to,
        subject: message.subject,
        html: message.html,
        text: message.text,
      });
    } catch (error) {
      this.logger.warn(`sending mail to ${message.to} failed: ${(error as Error).message}`);
      throw new ApiError('The email could not be sent, try again later', HttpStatus.BAD_GATEWAY);
    } finally {
      transport.close();
    }
  }
}
