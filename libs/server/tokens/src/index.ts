export * from './tokens.module';
export * from './tokens.service';
export * from './tokens.dto';
export * from './token-rules';
