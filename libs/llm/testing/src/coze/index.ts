export { COZE_JWT_GRANT, cozeChatView, cozeProtocol, predictCozeUsage, startFakeCoze } from './fake-coze';
export type { FakeCozeJwtApp, FakeCozeOptions } from './fake-coze';
