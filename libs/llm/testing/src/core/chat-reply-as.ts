import { chatReply, type ChatReply, REPLY_PREFIX } from '../openai/chat-reply';
import type { ChatRequest } from '../openai/types';
import { estimateTokens } from '../openai/usage';

/**
 * The fake OpenAI's deterministic answer to an OpenAI-shaped view of another provider's request, with the reply
 * prefix naming the provider (`Hello! This is fake-cohere answering: …`). Fakes whose protocol is close to Chat
 * Completions (Cohere v2, Ollama, Coze) translate their request into that view and share the reply rules.
 */
export function chatReplyAs(provider: string, request: ChatRequest): ChatReply {
  const reply = chatReply(request);
  if (reply.kind !== 'text') return reply;
  const own = REPLY_PREFIX.replace('fake-openai', `fake-${provider}`);
  return { ...reply, text: reply.text.split(REPLY_PREFIX).join(own) };
}

/** Output tokens of a reply: its text, or the name and arguments of every tool call. */
export function replyTokens(reply: ChatReply): number {
  if (reply.kind === 'text') return estimateTokens(reply.text);
  return estimateTokens(reply.toolCalls.map((call) => call.name + call.arguments).join(''));
}

/** Splits text into stream pieces of a few words each (deterministic). */
export function textPieces(text: string, wordsPerPiece = 3): string[] {
  const words = text.match(/\S+\s*|\s+/g) ?? [];
  const pieces: string[] = [];
  for (let i = 0; i < words.length; i += wordsPerPiece)
    pieces.push(words.slice(i, i + wordsPerPiece).join(''));
  return pieces.length > 0 ? pieces : [''];
}
