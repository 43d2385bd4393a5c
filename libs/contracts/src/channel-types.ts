/** One API's channel type numbering (relay/channeltype), with each type's default base URL. */
export interface ChannelTypeInfo {
  id: number;
  name: string;
  baseUrl: string;
}

export const CHANNEL_TYPES: readonly ChannelTypeInfo[] = [
  { id: 0, name: 'Unknown', baseUrl: '' },
  { id: 1, name: 'OpenAI', baseUrl: 'https://api.openai.com' },
  { id: 2, name: 'API2D', baseUrl: 'https://oa.api2d.net' },
  { id: 3, name: 'Azure', baseUrl: '' },
  { id: 4, name: 'CloseAI', baseUrl: 'https://api.closeai-proxy.xyz' },
  { id: 5, name: 'OpenAI-SB', baseUrl: 'https://api.openai-sb.com' },
  { id: 6, name: 'OpenAIMax', baseUrl: 'https://api.openaimax.com' },
  { id: 7, name: 'OhMyGPT', baseUrl: 'https://api.ohmygpt.com' },
  { id: 8, name: 'Custom', baseUrl: '' },
  { id: 9, name: 'Ails', baseUrl: 'https://api.caipacity.com' },
  { id: 10, name: 'AIProxy', baseUrl: 'https://api.aiproxy.io' },
  { id: 11, name: 'PaLM', baseUrl: 'https://generativelanguage.googleapis.com' },
  { id: 12, name: 'API2GPT', baseUrl: 'https://api.api2gpt.com' },
  { id: 13, name: 'AIGC2D', baseUrl: 'https://api.aigc2d.com' },
  { id: 14, name: 'Anthropic', baseUrl: 'https://api.anthropic.com' },
  { id: 15, name: 'Baidu', baseUrl: 'https://aip.baidubce.com' },
  { id: 16, name: 'Zhipu', baseUrl: 'https://open.bigmodel.cn' },
  { id: 17, name: 'Ali', baseUrl: 'https://dashscope.aliyuncs.com' },
  { id: 18, name: 'Xunfei', baseUrl: '' },
  { id: 19, name: 'AI360', baseUrl: 'https://ai.360.cn' },
  { id: 20, name: 'OpenRouter', baseUrl: 'https://openrouter.ai/api' },
  { id: 21, name: 'AIProxyLibrary', baseUrl: 'https://api.aiproxy.io' },
  { id: 22, name: 'FastGPT', baseUrl: 'https://fastgpt.run/api/openapi' },
  { id: 23, name: 'Tencent', baseUrl: 'https://hunyuan.tencentcloudapi.com' },
  { id: 24, name: 'Gemini', baseUrl: 'https://generativelanguage.googleapis.com' },
  { id: 25, name: 'Moonshot', baseUrl: 'https://api.moonshot.cn' },
  { id: 26, name: 'Baichuan', baseUrl: 'https://api.baichuan-ai.com' },
  { id: 27, name: 'Minimax', baseUrl: 'https://api.minimax.chat' },
  { id: 28, name: 'Mistral', baseUrl: 'https://api.mistral.ai' },
  { id: 29, name: 'Groq', baseUrl: 'https://api.groq.com/openai' },
  { id: 30, name: 'Ollama', baseUrl: 'http://localhost:11434' },
  { id: 31, name: 'LingYiWanWu', baseUrl: 'https://api.lingyiwanwu.com' },
  { id: 32, name: 'StepFun', baseUrl: 'https://api.stepfun.com' },
  { id: 33, name: 'AwsClaude', baseUrl: '' },
  { id: 34, name: 'Coze', baseUrl: 'https://api.coze.com' },
  { id: 35, name: 'Cohere', baseUrl: 'https://api.cohere.ai' },
  { id: 36, name: 'DeepSeek', baseUrl: 'https://api.deepseek.com' },
  { id: 37, name: 'Cloudflare', baseUrl: 'https://api.cloudflare.com' },
  { id: 38, name: 'DeepL', baseUrl: 'https://api-free.deepl.com' },
  { id: 39, name: 'TogetherAI', baseUrl: 'https://api.together.xyz' },
  { id: 40, name: 'Doubao', baseUrl: 'https://ark.cn-beijing.volces.com' },
  { id: 41, name: 'Novita', baseUrl: 'https://api.novita.ai/v3/openai' },
  { id: 42, name: 'VertexAI', baseUrl: '' },
  { id: 43, name: 'Proxy', baseUrl: '' },
  { id: 44, name: 'SiliconFlow', baseUrl: 'https://api.siliconflow.cn' },
  { id: 45, name: 'xAI', baseUrl: 'https://api.x.ai' },
  { id: 46, name: 'Replicate', baseUrl: 'https://api.replicate.com/v1/models/' },
  { id: 47, name: 'BaiduV2', baseUrl: 'https://qianfan.baidubce.com' },
  { id: 48, name: 'XunfeiV2', baseUrl: 'https://spark-api-open.xf-yun.com' },
  { id: 49, name: 'AliBailian', baseUrl: 'https://dashscope.aliyuncs.com' },
  { id: 50, name: 'OpenAICompatible', baseUrl: '' },
  {
    id: 51,
    name: 'GeminiOpenAICompatible',
    baseUrl: 'https://generativelanguage.googleapis.com/v1beta/openai/',
  },
  { id: 52, name: 'ClaudeCompatible', baseUrl: '' },
  { id: 53, name: 'Copilot', baseUrl: 'https://api.githubcopilot.com' },
  { id: 54, name: 'Fireworks', baseUrl: 'https://api.fireworks.ai/inference' },
  { id: 55, name: 'NVIDIA', baseUrl: 'https://integrate.api.nvidia.com/v1' },
  { id: 56, name: 'Cerebras', baseUrl: 'https://api.cerebras.ai/v1' },
  { id: 57, name: 'DeepInfra', baseUrl: 'https://api.deepinfra.com' },
];

export const MAX_CHANNEL_TYPE = 57;

export function channelTypeInfo(type: number): ChannelTypeInfo | undefined {
  return CHANNEL_TYPES[type];
}
