export * from './option-defaults';
export * from './option-validation';
export * from './app-version';
export * from './options.service';
export * from './options.module';
