import { Injectable, Logger } from '@nestjs/common';
import { createHash, createHmac, randomBytes } from 'node:crypto';
import type { CookieOptions, Response } from 'express';
import { AppConfig } from '@one-api/server-config';
import { safeEqual } from '@one-api/server-common';

export const SESSION_COOKIE = 'session';

export interface SessionPayload {
  /** user id */
  id: number;
  /** fingerprint of the password hash: a password change signs every session out */
  pv: string;
  /** issued at, unix seconds */
  iat: number;
  /** random nonce so every sign-in yields a new session value */
  n: string;
}

/** Stateless signed session cookie (HMAC-SHA256 with SESSION_SECRET), httpOnly, SameSite=Lax. */
@Injectable()
export class SessionService {
  private readonly key: Buffer;

  constructor(private readonly config: AppConfig) {
    if (config.sessionSecret) {
      this.key = createHash('sha256').update(config.sessionSecret).digest();
    } else {
      this.key = randomBytes(32);
      new Logger('Session').warn('SESSION_SECRET is not set: sessions will not survive a restart');
    }
  }

  static passwordFingerprint(passwordHash: string): string {
    return createHash('sha256').update(passwordHash).digest('base64url').slice(0, 12);
  }

  private sign(body: string): string {
    return createHmac('sha256', this.key).update(body).digest('base64url');
  }

  encode(payload: SessionPayload): string {
    const body = Buffer.from(JSON.stringify(payload)).toString('base64url');
    return `${body}.${this.sign(body)}`;
  }

  decode(value: string | undefined): SessionPayload | null {
    if (!value) return null;
    const dot = value.indexOf('.');
    if (dot <= 0) return null;
    const body = value.slice(0, dot);
    if (!safeEqual(this.sign(body), value.slice(dot + 1))) return null;
    try {
      const payload = JSON.parse(Buffer.from(body, 'base64url').toString('utf8')) as SessionPayload;
      const maxAge = this.config.cookieMaxAgeHours * 3600;
      if (typeof payload.id !== 'number' || Date.now() / 1000 - payload.iat > maxAge) return null;
      return payload;
    } catch {
      return null;
    }
  }

  cookieOptions(): CookieOptions {
    return {
      httpOnly: true,
      sameSite: 'lax',
      secure: this.config.enableCookieSecure,
      path: '/',
      maxAge: this.config.cookieMaxAgeHours * 3600 * 1000,
    };
  }

  issue(res: Response, user: { id: number; password: string }): void {
    const payload: SessionPayload = {
      id: user.id,
      pv: SessionService.passwordFingerprint(user.password),
      iat: Math.floor(Date.now() / 1000),
      n: randomBytes(6).toString('base64url'),
    };
    res.cookie(SESSION_COOKIE, this.encode(payload), this.cookieOptions());
  }

  clear(res: Response): void {
    const { maxAge: _ignored, ...options } = this.cookieOptions();
    res.clearCookie(SESSION_COOKIE, options);
  }

  /**
   * Short-lived signed state for a flow that spans requests (OAuth state/nonce/PKCE verifier, a pending TOTP
   * secret). `purpose` is part of the MAC, so a value sealed for one purpose is never accepted for another.
   */
  seal(purpose: string, payload: Record<string, unknown>, ttlSeconds: number): string {
    const exp = Math.floor(Date.now() / 1000) + ttlSeconds;
    const body = Buffer.from(JSON.stringify({ ...payload, exp })).toString('base64url');
    return `${body}.${this.sign(`${purpose}.${body}`)}`;
  }

  /** The payload of a value from seal() for the same purpose, or null when forged, altered or expired. */
  open<T extends Record<string, unknown>>(purpose: string, value: string | undefined): T | null {
    if (!value) return null;
    const dot = value.indexOf('.');
    if (dot <= 0) return null;
    const body = value.slice(0, dot);
    if (!safeEqual(this.sign(`${purpose}.${body}`), value.slice(dot + 1))) return null;
    try {
      const payload = JSON.parse(Buffer.from(body, 'base64url').toString('utf8')) as T & { exp?: number };
      if (typeof payload.exp !== 'number' || payload.exp < Date.now() / 1000) return null;
      return payload;
    } catch {
      return null;
    }
  }

  /** Sets a sealed, httpOnly, SameSite=Lax cookie limited to `path`. */
  setFlowCookie(res: Response, name: string, value: string, path: string, ttlSeconds: number): void {
    res.cookie(name, value, { ...this.cookieOptions(), path, maxAge: ttlSeconds * 1000 });
  }

  clearFlowCookie(res: Response, name: string, path: string): void {
    const { maxAge: _ignored, ...options } = this.cookieOptions();
    res.clearCookie(name, { ...options, path });
  }
}
