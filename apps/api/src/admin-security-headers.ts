import type { RequestHandler } from 'express';
import helmet from 'helmet';

/**
 * Security headers for the admin app's pages and files (helmet). The API's JSON answers do not get them: SDKs and
 * browser callers of /v1 cross origins, and a resource policy meant for pages would only get in their way.
 *
 * Content-Security-Policy: the Next.js static export boots through inline <script> tags (its flight data) whose
 * contents change with every build, so scripts need 'unsafe-inline' (no nonce can be injected into static files, and
 * hashes would have to be recomputed per build). What the policy still buys: nothing is loaded or sent anywhere but
 * this origin, no plugins, no <base> hijacking, no framing (clickjacking), forms only post here.
 */
export function adminSecurityHeaders(): RequestHandler {
  return helmet({
    contentSecurityPolicy: {
      useDefaults: false,
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'", "'unsafe-inline'"],
        styleSrc: ["'self'", "'unsafe-inline'"],
        imgSrc: ["'self'", 'data:', 'blob:'],
        fontSrc: ["'self'", 'data:'],
        connectSrc: ["'self'"],
        objectSrc: ["'none'"],
        baseUri: ["'self'"],
        frameAncestors: ["'none'"],
        formAction: ["'self'"],
      },
    },
    // Same-origin pages only; the admin app embeds nothing cross-origin.
    crossOriginEmbedderPolicy: false,
    // Behind plain HTTP (a LAN install) HSTS would lock browsers out; operators set it at their TLS proxy.
    strictTransportSecurity: false,
    referrerPolicy: { policy: 'same-origin' },
  });
}
