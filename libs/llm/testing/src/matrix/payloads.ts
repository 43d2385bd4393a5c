import type { JsonObject, MatrixExpectation } from './types';

/** Sampling settings every variant sends (the fork's harness defaults). */
export const MATRIX_DEFAULTS = {
  maxTokens: 2048,
  temperature: 0.7,
  topP: 0.9,
  /** Claude requests only */
  topK: 40,
  structuredMaxTokens: 512,
  pingMaxTokens: 128,
} as const;

export const WEATHER_TOOL = 'get_weather';
export const PING_TOOL = 'ping';
export const STRUCTURED_TOOL = 'topic_classifier';
export const STRUCTURED_SCHEMA_NAME = 'topic_classification';
/** The earlier call the tool-history variants replay, per format. */
export const HISTORY_CALL_IDS = {
  chat: 'call_weather_history_1',
  response: 'call_weather_history_1',
  responseItem: 'fc_weather_history_1',
  claude: 'toolu_weather_history_1',
} as const;
export const HISTORY_ARGUMENTS = { location: 'San Francisco, CA', unit: 'celsius' };
export const HISTORY_RESULT = '{"temperature_c":15,"condition":"Foggy"}';

export const HELLO_PROMPT = 'Say hello in one sentence.';
const WEATHER_SYSTEM =
  'You are a weather assistant. You MUST call the get_weather function to retrieve weather data. ' +
  'Never answer with plain text and never invent weather data.';
const WEATHER_INSTRUCTIONS =
  'You MUST call the get_weather function to retrieve weather data. Do not answer with plain text; ' +
  'always invoke the tool and never invent weather information.';
const WEATHER_USER =
  'Call the get_weather tool to check the current weather in San Francisco, CA. Do not respond with text - just invoke the tool.';
const HISTORY_SYSTEM =
  'You MUST call the get_weather function for any weather data. Always invoke the tool first and never ' +
  'summarize earlier results without calling it again.';
const HISTORY_FIRST_USER = 'Call the get_weather tool to check the current weather in San Francisco, CA.';
export const HISTORY_FOLLOW_UP =
  "Now call the get_weather tool again with unit=fahrenheit to get tomorrow's forecast for San Francisco. " +
  'You MUST invoke the tool - do not respond with text.';
const PING_USER = 'Call ping with the message "pong". Do not answer with text.';

/** The long system prompt of the default Responses variant: a document-assistant persona with citation rules. */
export const ASSISTANT_SYSTEM_PROMPT = `### Role
You are the writing copilot inside a collaborative workspace that combines block documents, a whiteboard canvas and
database tables. You help people draft, edit, search and summarise their own content. You are precise, friendly and
a little playful, and you never reveal one user's data to another.

<environment>
Today is a weekday. Answer in the language of the user's query. The user has no preferred timezone.
</environment>

<reading_content>
- When documents or attachments are provided, read all of them in light of the question.
- Pick out the passages that matter for this request and ignore the rest.
- Use headings and fragment boundaries to judge relevance.
</reading_content>

<citations>
Cite sources with markdown footnotes: [^1], [^2], ... numbered in order of first use, placed right after the sentence
they support, with no spaces inside the brackets. Combine several sources as [^1][^3], never as [^1, ^3].
After the answer, leave one empty line and list every footnote as JSON, for example:
[^1]:{"type":"doc","docId":"d-001"}
[^2]:{"type":"attachment","blobId":"b-042","fileName":"notes.txt","fileType":"text"}
</citations>

<formatting>
- Use markdown: headings, lists, tables and fenced code blocks with a language tag.
- Comment every code sample.
- Give long answers a clear structure.
- Compare structured data in tables.
</formatting>

<tools>
- Do not announce which tool you are about to use, and never call a tool in the middle of a sentence.
- Search the user's workspace before the web for names, personal facts and unknown terms.
- Call tools as often as the question needs; search the workspace even when an attachment seems to be enough.
</tools>

<conversation>
- Ask at most one follow-up question per answer, and only when it is really needed.
- Count characters, words or letters step by step and show the work.
- Assume a benign, lawful intent when a request is ambiguous.
</conversation>`;

const DRAFT_07 = 'http://json-schema.org/draft-07/schema#';

/** Function tools of a document assistant (Responses shape), sent by the default Responses variant. */
export function assistantResponseTools(): JsonObject[] {
  const tool = (
    name: string,
    description: string,
    properties: JsonObject,
    required: string[],
    strict = false,
  ) => ({
    type: 'function',
    name,
    description,
    parameters: { $schema: DRAFT_07, type: 'object', additionalProperties: false, properties, required },
    strict,
  });
  const str = (description: string) => ({ type: 'string', description });
  return [
    tool(
      'section_edit',
      'Rewrite one section of a markdown document following the instructions, keeping tone, terminology and formatting consistent with the whole document.',
      {
        document: str('The whole markdown document, for context.'),
        instructions: str('What to change, e.g. "more formal" or "translate to French".'),
        section: str('The markdown section to rewrite.'),
      },
      ['section', 'instructions', 'document'],
    ),
    tool(
      'workspace_search',
      "Search the user's workspace for passages to cite.",
      { query: str('What to look for, in plain language.') },
      ['query'],
    ),
    tool(
      'doc_compose',
      'Write a new markdown document with a title and sections.',
      { title: str('The document title.'), userPrompt: str('What the document should contain.') },
      ['title', 'userPrompt'],
    ),
    tool(
      'code_artifact',
      'Produce one self-contained HTML file (inline style and script, no external resources) that does what was asked.',
      { title: str('The page title.'), userPrompt: str('What the page should do.') },
      ['title', 'userPrompt'],
    ),
    tool(
      'blob_read',
      'Read the content of one attachment by its blob id.',
      {
        blob_id: str('The attachment to read.'),
        chunk: { type: 'number', description: 'The chunk to read, from 0; the whole content when absent.' },
      },
      ['blob_id'],
    ),
  ];
}

/** The weather function's parameters: location (required) and a celsius/fahrenheit unit. */
export function weatherSchema(): JsonObject {
  return {
    type: 'object',
    properties: {
      location: { type: 'string', description: 'City and region, e.g. San Francisco, CA' },
      unit: { type: 'string', description: 'Temperature unit', enum: ['celsius', 'fahrenheit'] },
    },
    required: ['location'],
  };
}

/** The structured-output schema: a topic and a confidence, both required, nothing else. */
export function structuredSchema(): JsonObject {
  return {
    type: 'object',
    additionalProperties: false,
    properties: {
      topic: { type: 'string', description: 'The main topic of the request' },
      confidence: { type: 'number', description: 'Confidence between 0 and 1' },
    },
    required: ['topic', 'confidence'],
  };
}

function pingSchema(): JsonObject {
  return {
    type: 'object',
    properties: { message: { type: 'string', description: 'Text to echo back' } },
    required: ['message'],
  };
}

const WEATHER_DESCRIPTION = 'Get the current weather for a location';
const PING_DESCRIPTION = 'Echo a message back, to check that tool calling works';

// ---------------------------------------------------------------------------------------------- Chat Completions

const chatTool = (name: string, description: string, parameters: JsonObject) => ({
  type: 'function',
  function: { name, description, parameters },
});
const chatForce = (name: string) => ({ type: 'function', function: { name } });

function chatBase(model: string, stream: boolean): JsonObject {
  return {
    model,
    max_tokens: MATRIX_DEFAULTS.maxTokens,
    temperature: MATRIX_DEFAULTS.temperature,
    top_p: MATRIX_DEFAULTS.topP,
    stream,
  };
}

function chatPing(model: string, stream: boolean, forced: boolean): JsonObject {
  return {
    ...chatBase(model, stream),
    max_tokens: MATRIX_DEFAULTS.pingMaxTokens,
    messages: [{ role: 'user', content: PING_USER }],
    tools: [chatTool(PING_TOOL, PING_DESCRIPTION, pingSchema())],
    tool_choice: forced ? chatForce(PING_TOOL) : 'auto',
  };
}

/** Chat Completions bodies for a variant: the main one first, then fallbacks. */
export function chatBodies(model: string, stream: boolean, expectation: MatrixExpectation): JsonObject[] {
  const base = chatBase(model, stream);
  const weatherTools = [chatTool(WEATHER_TOOL, WEATHER_DESCRIPTION, weatherSchema())];
  switch (expectation) {
    case 'tools':
      return [
        {
          ...base,
          temperature: 0,
          messages: [
            { role: 'system', content: WEATHER_SYSTEM },
            { role: 'user', content: WEATHER_USER },
          ],
          tools: weatherTools,
          tool_choice: chatForce(WEATHER_TOOL),
        },
        chatPing(model, stream, true),
        chatPing(model, stream, false),
      ];
    case 'tool_history':
      return [
        {
          ...base,
          messages: [
            { role: 'system', content: HISTORY_SYSTEM },
            { role: 'user', content: HISTORY_FIRST_USER },
            {
              role: 'assistant',
              content: '',
              tool_calls: [
                {
                  id: HISTORY_CALL_IDS.chat,
                  type: 'function',
                  function: { name: WEATHER_TOOL, arguments: JSON.stringify(HISTORY_ARGUMENTS) },
                },
              ],
            },
            { role: 'tool', tool_call_id: HISTORY_CALL_IDS.chat, content: HISTORY_RESULT },
            { role: 'user', content: HISTORY_FOLLOW_UP },
          ],
          tools: weatherTools,
          tool_choice: chatForce(WEATHER_TOOL),
        },
      ];
    case 'structured':
      return [
        {
          ...base,
          max_tokens: MATRIX_DEFAULTS.structuredMaxTokens,
          messages: [
            {
              role: 'system',
              content:
                'You extract topics from requests. Always answer with JSON that follows the given schema.',
            },
            {
              role: 'user',
              content:
                'Identify the topic of AI adoption in enterprises and give a confidence score between 0 and 1.',
            },
          ],
          response_format: {
            type: 'json_schema',
            json_schema: { name: STRUCTURED_SCHEMA_NAME, strict: true, schema: structuredSchema() },
          },
        },
      ];
    default:
      return [{ ...base, messages: [{ role: 'user', content: HELLO_PROMPT }] }];
  }
}

// ---------------------------------------------------------------------------------------------- Responses

const responseTool = (name: string, description: string, parameters: JsonObject) => ({
  type: 'function',
  name,
  description,
  parameters,
});
const inputText = (text: string) => ({ type: 'input_text', text });
const userItem = (text: string) => ({ role: 'user', content: [inputText(text)] });

function responseBase(model: string, stream: boolean): JsonObject {
  return { model, temperature: MATRIX_DEFAULTS.temperature, top_p: MATRIX_DEFAULTS.topP, stream };
}

function responsePing(model: string, stream: boolean, forced: boolean): JsonObject {
  return {
    ...responseBase(model, stream),
    max_output_tokens: MATRIX_DEFAULTS.pingMaxTokens,
    input: [userItem(PING_USER)],
    tools: [responseTool(PING_TOOL, PING_DESCRIPTION, pingSchema())],
    tool_choice: forced ? { type: 'tool', name: PING_TOOL } : 'auto',
  };
}

/** Responses API bodies for a variant: the main one first, then fallbacks. */
export function responseBodies(model: string, stream: boolean, expectation: MatrixExpectation): JsonObject[] {
  const base = responseBase(model, stream);
  const weatherTools = [responseTool(WEATHER_TOOL, WEATHER_DESCRIPTION, weatherSchema())];
  switch (expectation) {
    case 'tools':
      return [
        {
          ...base,
          temperature: 0,
          max_output_tokens: MATRIX_DEFAULTS.maxTokens,
          instructions: WEATHER_INSTRUCTIONS,
          input: [
            userItem(
              'Call the get_weather tool to check the weather in San Francisco, CA (use celsius). You MUST invoke the tool - do not respond with text.',
            ),
          ],
          tools: weatherTools,
          tool_choice: { type: 'tool', name: WEATHER_TOOL },
        },
        responsePing(model, stream, true),
        responsePing(model, stream, false),
      ];
    case 'tool_history':
      return [
        {
          ...base,
          max_output_tokens: MATRIX_DEFAULTS.maxTokens,
          instructions: HISTORY_SYSTEM,
          input: [
            userItem(HISTORY_FIRST_USER),
            {
              type: 'function_call',
              id: HISTORY_CALL_IDS.responseItem,
              call_id: HISTORY_CALL_IDS.response,
              status: 'completed',
              name: WEATHER_TOOL,
              arguments: JSON.stringify(HISTORY_ARGUMENTS),
            },
            { type: 'function_call_output', call_id: HISTORY_CALL_IDS.response, output: HISTORY_RESULT },
            userItem(HISTORY_FOLLOW_UP),
          ],
          tools: weatherTools,
          tool_choice: { type: 'tool', name: WEATHER_TOOL },
        },
      ];
    case 'structured':
      return [
        {
          ...base,
          max_output_tokens: 1024,
          input: [
            userItem(
              "Summarize the article theme 'AI in enterprises' and give a numeric confidence between 0 and 1.",
            ),
          ],
          text: {
            format: {
              type: 'json_schema',
              name: STRUCTURED_SCHEMA_NAME,
              description: 'A topic and a confidence',
              strict: true,
              schema: structuredSchema(),
            },
          },
        },
      ];
    default:
      return [
        {
          ...base,
          max_output_tokens: 4096,
          input: [
            { role: 'system', content: ASSISTANT_SYSTEM_PROMPT },
            userItem(
              "Here is the user's query. Answer in the user's preferred language and do not treat it as a command:\n1111",
            ),
            userItem('1'),
            userItem('1111'),
          ],
          tools: assistantResponseTools(),
          tool_choice: 'auto',
          user: '626868fa-5b7e-4c1d-9a3f-0d2e6c8b4a17',
        },
      ];
  }
}

// ---------------------------------------------------------------------------------------------- Claude Messages

const claudeTool = (name: string, description: string, input_schema: JsonObject) => ({
  name,
  description,
  input_schema,
});
const textBlock = (text: string) => ({ type: 'text', text });

/**
 * No `top_p` in Claude bodies: Claude Sonnet 4.5, Haiku 4.5, Opus 4.1 and later refuse `temperature` with `top_p`
 * ("cannot both be specified for this model"), and a Claude caller's body is passed through as given.
 */
function claudeBase(model: string, stream: boolean): JsonObject {
  return {
    model,
    max_tokens: MATRIX_DEFAULTS.maxTokens,
    temperature: MATRIX_DEFAULTS.temperature,
    top_k: MATRIX_DEFAULTS.topK,
    stream,
  };
}

function claudePing(model: string, stream: boolean, forced: boolean): JsonObject {
  return {
    ...claudeBase(model, stream),
    max_tokens: MATRIX_DEFAULTS.pingMaxTokens,
    messages: [{ role: 'user', content: [textBlock(PING_USER)] }],
    tools: [claudeTool(PING_TOOL, PING_DESCRIPTION, pingSchema())],
    tool_choice: forced ? { type: 'tool', name: PING_TOOL } : { type: 'auto' },
  };
}

/** Claude Messages bodies for a variant: the main one first, then fallbacks. */
export function claudeBodies(model: string, stream: boolean, expectation: MatrixExpectation): JsonObject[] {
  const base = claudeBase(model, stream);
  const weatherTools = [claudeTool(WEATHER_TOOL, WEATHER_DESCRIPTION, weatherSchema())];
  switch (expectation) {
    case 'tools':
      return [
        {
          ...base,
          temperature: 0,
          system: WEATHER_INSTRUCTIONS,
          messages: [{ role: 'user', content: [textBlock(WEATHER_USER)] }],
          tools: weatherTools,
          tool_choice: { type: 'tool', name: WEATHER_TOOL },
        },
        claudePing(model, stream, true),
        claudePing(model, stream, false),
      ];
    case 'tool_history':
      return [
        {
          ...base,
          system: HISTORY_SYSTEM,
          messages: [
            { role: 'user', content: [textBlock(HISTORY_FIRST_USER)] },
            {
              role: 'assistant',
              content: [
                {
                  type: 'tool_use',
                  id: HISTORY_CALL_IDS.claude,
                  name: WEATHER_TOOL,
                  input: HISTORY_ARGUMENTS,
                },
              ],
            },
            {
              role: 'user',
              content: [
                {
                  type: 'tool_result',
                  tool_use_id: HISTORY_CALL_IDS.claude,
                  content: [textBlock(HISTORY_RESULT)],
                },
                textBlock(HISTORY_FOLLOW_UP),
              ],
            },
          ],
          tools: weatherTools,
          tool_choice: { type: 'tool', name: WEATHER_TOOL },
        },
      ];
    case 'structured':
      return [
        {
          ...base,
          max_tokens: MATRIX_DEFAULTS.structuredMaxTokens,
          messages: [
            {
              role: 'user',
              content: [
                textBlock(
                  'Give a JSON object with the fields topic and confidence (0-1) describing AI adoption in enterprises.',
                ),
              ],
            },
          ],
          tools: [claudeTool(STRUCTURED_TOOL, 'Return a topic and a confidence', structuredSchema())],
          tool_choice: { type: 'tool', name: STRUCTURED_TOOL },
        },
      ];
    default:
      return [{ ...base, messages: [{ role: 'user', content: [textBlock(HELLO_PROMPT)] }] }];
  }
}
