import type { Request } from 'express';

/** A same-site path to return to after sign-in: one leading slash, no scheme, no backslash; else "/". */
export function safeReturnPath(value: unknown): string {
  if (typeof value !== 'string' || value.length > 512) return '/';
  return /^\/(?![/\\])[^\s\\]*$/.test(value) ? value : '/';
}

/** Whether the browser navigated here (follow with redirects) rather than calling from script (answer JSON). */
export function isNavigation(req: Request): boolean {
  const mode = req.get('sec-fetch-mode');
  if (mode) return mode === 'navigate';
  const accept = req.get('accept') ?? '';
  return accept.includes('text/html');
}

export function trimSlash(url: string): string {
  return url.replace(/\/+$/, '');
}
