export * from './enums';
export * from './channel-types';
export * from './management';
export * from './model-catalog';
export * from './admin-api';
