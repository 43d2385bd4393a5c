export { FAKE_VERTEX_TOKEN_PATH, startFakeVertex, VERTEX_ANTHROPIC_VERSION } from './fake-vertex';
export type { FakeVertex, FakeVertexOptions } from './fake-vertex';
export { createTestServiceAccount } from './service-account';
export type { TestServiceAccount } from './service-account';
export { CLOUD_PLATFORM_SCOPE, FakeTokenIssuer } from './token-endpoint';
export type { TokenAnswer, TokenIssuerAccount } from './token-endpoint';
