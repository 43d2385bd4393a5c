export * from './verification-codes.service';
export * from './login-throttle.service';
export * from './totp.service';
export * from './turnstile.service';
export * from './email-rules';
export * from './sign-in.service';
