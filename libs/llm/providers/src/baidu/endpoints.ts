/**
 * ERNIE models whose wenxinworkshop endpoint is not simply the lower-cased model name (Baidu's model list names the
 * path segment of each model's API).
 */
const ENDPOINTS: Readonly<Record<string, string>> = {
  'ERNIE-4.0-8K': 'completions_pro',
  'ERNIE-4.0': 'completions_pro',
  'ERNIE-Bot-4': 'completions_pro',
  'ERNIE-4.0-Turbo-8K': 'ernie-4.0-turbo-8k',
  'ERNIE-3.5-8K': 'completions',
  'ERNIE-Bot': 'completions',
  'ERNIE-Bot-turbo': 'eb-instant',
  'ERNIE-Lite-8K-0922': 'eb-instant',
  'ERNIE-Bot-8K': 'ernie_bot_8k',
  'ERNIE-Speed-8K': 'ernie_speed',
  'ERNIE-Speed': 'ernie_speed',
  'ERNIE-Lite-8K-0308': 'ernie-lite-8k',
  'ERNIE-Lite-8K': 'ernie-lite-8k',
  'ERNIE-Tiny-8K': 'ernie-tiny-8k',
  'BLOOMZ-7B': 'bloomz_7b1',
  'Llama-2-7b-chat': 'llama_2_7b',
  'Llama-2-13b-chat': 'llama_2_13b',
  'Llama-2-70b-chat': 'llama_2_70b',
};

/** The path segment after `/wenxinworkshop/chat/` for a model. */
export function ernieChatEndpoint(model: string): string {
  return ENDPOINTS[model] ?? model.toLowerCase();
}
