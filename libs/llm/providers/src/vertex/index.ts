export * from './credentials';
export * from './access-token';
export * from './vertex-url';
export * from './authorize';
export * from './gemini-adapter';
export * from './claude-adapter';
export * from './select';
