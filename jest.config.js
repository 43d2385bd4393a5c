// One Jest run covers every project: unit (*.spec.ts), integration (*.int-spec.ts) and e2e (*.e2e-spec.ts).
/** @type {import('jest').Config} */
module.exports = {
  rootDir: __dirname,
  testEnvironment: 'node',
  roots: ['<rootDir>/apps', '<rootDir>/libs', '<rootDir>/tools'],
  testMatch: ['**/*.spec.ts', '**/*.int-spec.ts', '**/*.e2e-spec.ts'],
  testPathIgnorePatterns: ['/node_modules/', '/dist/', '/apps/admin/'],
  // ESM-only packages (OpenID Connect client and its JOSE stack, the test OpenID provider) are compiled to CommonJS;
  // so is the OTLP exporter base, whose dynamic import('http') Jest's module VM cannot run.
  transformIgnorePatterns: [
    '/node_modules/(?!(openid-client|oauth4webapi|jose|oidc-provider|@opentelemetry/otlp-exporter-base)/)',
  ],
  modulePathIgnorePatterns: ['<rootDir>/apps/admin/.next', '<rootDir>/.*/dist/'],
  transform: {
    '^.+\\.(t|j)sx?$': [
      '@swc/jest',
      {
        jsc: {
          parser: { syntax: 'typescript', decorators: true },
          transform: { legacyDecorator: true, decoratorMetadata: true, useDefineForClassFields: false },
          target: 'es2022',
          keepClassNames: true,
        },
        module: { type: 'commonjs' },
      },
    ],
  },
  moduleNameMapper: {
    '^@one-api/contracts$': '<rootDir>/libs/contracts/src/index.ts',
    '^@one-api/llm-(.*)$': '<rootDir>/libs/llm/$1/src/index.ts',
    '^@one-api/server-(.*)$': '<rootDir>/libs/server/$1/src/index.ts',
    '^@one-api/db-migrate$': '<rootDir>/tools/db-migrate/src/index.ts',
    '^@one-api/chaos$': '<rootDir>/tools/chaos/src/index.ts',
  },
  testTimeout: 60000,
};
