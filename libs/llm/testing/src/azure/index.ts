export { azureOpenAIProtocol, startFakeAzureOpenAI } from './fake-azure';
export type { FakeAzureOpenAIOptions } from './fake-azure';
