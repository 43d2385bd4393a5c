export * from './users.module';
export * from './users.service';
export * from './users.controller';
export * from './users.dto';
export * from './user-view';
export * from './rules';
export * from './sign-in';
