export * from './option-defaults';
export * from './options.service';
export * from './options.module';
