import {
  dashscopeAsChatRequest,
  type MatrixVariant,
  type RecordedRequest,
  zhipuTokenProblem,
} from '@one-api/llm-testing';

type Obj = Record<string, any>;

/** What the Azure and Vertex columns need to know of their channel. */
export interface CloudColumn {
  protocol: string;
  upstreamModel: string;
  channelKey: string;
  config?: Record<string, unknown>;
}

/** The protocols whose bodies are another provider's, reached through a cloud's own URLs and auth. */
export const CLOUD_PROTOCOLS: Readonly<Record<string, string>> = {
  'azure-chat': 'openai-chat',
  'azure-responses': 'openai-responses',
  'vertex-gemini': 'gemini',
  'vertex-anthropic': 'anthropic',
  'zhipu-chat': 'openai-chat',
  'ali-dashscope': 'openai-chat',
};

/**
 * A DashScope generation request as the OpenAI Chat request it carries, as the gateway would have passed it to an
 * OpenAI channel (the stream flag and usage option are DashScope's SSE header and incremental output there).
 */
export function dashscopeAsPlainChat(sent: RecordedRequest, stream: boolean): RecordedRequest {
  const { top_k: _topK, ...chat } = dashscopeAsChatRequest(sent.body);
  const messages = (chat.messages ?? []).map((m) => {
    const message = m as Obj;
    // text-generation takes "" for an assistant turn that only called tools; OpenAI spells it null
    return message.role === 'assistant' && message.tool_calls && message.content === ''
      ? { ...message, content: null }
      : message;
  });
  const body = {
    ...chat,
    messages,
    ...(stream ? { stream: true, stream_options: { include_usage: true } } : {}),
  };
  return { ...sent, path: '/v1/chat/completions', body };
}

/**
 * Checks what is the cloud's own — Azure: the deployment URL (model without dots) with the channel's api-version,
 * the key in `api-key` and no bearer; Vertex: the publisher model URL of the channel's project and location, the
 * exchanged bearer token, Claude's `anthropic_version` in the body and no `model` — and returns the request as the
 * plain provider would have received it, so the body checks of that provider apply unchanged.
 */
export function asPlainProviderRequest(
  variant: MatrixVariant,
  sent: RecordedRequest,
  column: CloudColumn,
): RecordedRequest {
  const query = new URL(sent.url, 'http://x').searchParams;
  const body = sent.body as Obj;
  switch (column.protocol) {
    case 'azure-chat':
    case 'azure-responses': {
      expect(sent.headers['api-key']).toBe(column.channelKey);
      expect(sent.headers.authorization).toBeUndefined();
      const headers = { ...sent.headers, authorization: `Bearer ${column.channelKey}` };
      if (column.protocol === 'azure-responses') {
        expect(sent.path).toBe('/openai/v1/responses');
        return { ...sent, path: '/v1/responses', headers };
      }
      expect(sent.path).toBe(
        `/openai/deployments/${column.upstreamModel.replace(/\./g, '')}/chat/completions`,
      );
      expect(query.get('api-version')).toBe(column.config?.api_version);
      return { ...sent, path: '/v1/chat/completions', headers };
    }
    case 'ali-dashscope': {
      // DashScope: the native generation path, Bearer key, result_format message, SSE header and incremental output
      expect(sent.path).toBe('/api/v1/services/aigc/text-generation/generation');
      expect(sent.headers.authorization).toBe(`Bearer ${column.channelKey}`);
      expect(sent.headers['x-dashscope-sse']).toBe(variant.stream ? 'enable' : undefined);
      expect(body.parameters.result_format).toBe('message');
      expect(body.parameters.incremental_output).toBe(variant.stream ? true : undefined);
      return dashscopeAsPlainChat(sent, variant.stream);
    }
    case 'zhipu-chat': {
      // Zhipu: the v4 path, and the channel's id.secret signed into an HS256 JWT sent without Bearer
      expect(sent.path).toBe('/api/paas/v4/chat/completions');
      expect(zhipuTokenProblem(String(sent.headers.authorization), column.channelKey)).toBeUndefined();
      return {
        ...sent,
        path: '/v1/chat/completions',
        headers: { ...sent.headers, authorization: `Bearer ${column.channelKey}` },
      };
    }
    case 'vertex-gemini':
    case 'vertex-anthropic': {
      const project = column.config?.vertex_ai_project_id as string;
      const location = column.config?.region as string;
      const claude = column.protocol === 'vertex-anthropic';
      const method = claude
        ? variant.stream
          ? 'streamRawPredict'
          : 'rawPredict'
        : variant.stream
          ? 'streamGenerateContent'
          : 'generateContent';
      expect(sent.path).toBe(
        `/v1/projects/${project}/locations/${location}/publishers/${claude ? 'anthropic' : 'google'}/models/${column.upstreamModel}:${method}`,
      );
      expect(sent.headers.authorization).toMatch(/^Bearer ya29\.fake-/);
      expect(sent.headers['x-goog-api-key']).toBeUndefined();
      if (!claude) {
        return {
          ...sent,
          path: `/v1beta/models/${column.upstreamModel}:${method}`,
          headers: { ...sent.headers, 'x-goog-api-key': column.channelKey },
        };
      }
      expect(body.anthropic_version).toBe('vertex-2023-10-16');
      expect(body.model).toBeUndefined();
      const { anthropic_version: _version, ...rest } = body;
      const plain = { model: column.upstreamModel, ...rest };
      return {
        ...sent,
        path: '/v1/messages',
        headers: { ...sent.headers, 'x-api-key': column.channelKey, 'anthropic-version': '2023-06-01' },
        body: plain,
        rawBody: JSON.stringify(plain),
      };
    }
    default:
      return sent;
  }
}
