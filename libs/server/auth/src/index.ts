export * from './auth-user';
export * from './session.service';
export * from './management.strategy';
export * from './guards';
export * from './auth.module';
export * from './default-password';
