import { Injectable, Logger } from '@nestjs/common';
import type { Request, Response } from 'express';
import { channelTypeInfo } from '@one-api/contracts';
import {
  InsufficientQuotaError,
  QuotaReservationService,
  RatioTablesService,
  SettlementWriter,
  computeQuota,
  computeReservation,
  ratioLogText,
} from '@one-api/server-billing';
import { AppConfig } from '@one-api/server-config';
import { OptionsService } from '@one-api/server-options';
import type { Channel } from '@one-api/server-db';
import { countTextTokens, fromTransportError, GatewayError, isGatewayError } from '@one-api/llm-core';
import { upstreamUrl, vendorOrDefault } from '@one-api/llm-providers';
import { pickCandidate } from './channel-picker';
import { OpenAiStreamTap } from './openai-stream-tap';
import { roughPromptTokens } from './prompt-estimate';
import { RelayAuthService, RelayPrincipal } from './relay-auth.service';
import { RelayDirectory } from './relay-directory.service';
import { RelayEndpoint } from './relay-endpoints';
import { RelayError, relayErrors } from './relay-error';
import { newRequestId } from './request-id';
import { prepareOpenAiBody } from './upstream-body';
import { UpstreamClient, UpstreamResponse } from './upstream-client.service';
import { parseOpenAiUpstreamError, shouldTryAnotherChannel, userFacingMessage } from './upstream-errors';

interface Attempt {
  channel: Channel;
  upstreamModel: string;
  systemPromptReset: boolean;
  forcedUsage: boolean;
  response: UpstreamResponse;
  abort: AbortController;
}

/** Everything known about one relayed request, carried to its single settlement. */
interface RequestState {
  requestId: string;
  startedAt: number;
  principal: RelayPrincipal;
  model: string;
  stream: boolean;
  reserved: number;
  settled: boolean;
  promptEstimate: number;
}

/**
 * The OpenAI-format relay: key → routing → quota hold → upstream call with failover → stream or answer → exactly one
 * settlement (charge, refund of the rest, one consume log), whatever way the request ends.
 */
@Injectable()
export class RelayService {
  private readonly logger = new Logger('Relay');

  constructor(
    private readonly auth: RelayAuthService,
    private readonly directory: RelayDirectory,
    private readonly upstream: UpstreamClient,
    private readonly ratios: RatioTablesService,
    private readonly reservations: QuotaReservationService,
    private readonly settlements: SettlementWriter,
    private readonly options: OptionsService,
    private readonly config: AppConfig,
  ) {}

  async handle(req: Request, res: Response, endpoint: RelayEndpoint, modelFromPath?: string): Promise<void> {
    const requestId = newRequestId();
    res.setHeader('X-Oneapi-Request-Id', requestId);
    let state: RequestState | undefined;
    try {
      const principal = await this.auth.authenticate(req);
      const body = req.body as unknown;
      if (!body || typeof body !== 'object' || Array.isArray(body))
        throw relayErrors.badBody('The request body must be a JSON object');
      const payload = body as Record<string, unknown>;
      const model =
        modelFromPath ??
        (typeof payload.model === 'string' && payload.model ? payload.model : endpoint.defaultModel);
      if (!model) throw relayErrors.modelMissing();
      if (payload.model !== undefined && typeof payload.model !== 'string')
        throw relayErrors.badBody('model must be a string', 'model');
      if (principal.token.models && !principal.token.models.has(model))
        throw relayErrors.modelNotAllowed(model);
      const stream = endpoint.streams && payload.stream === true;

      const group = principal.user.group;
      const candidates = await this.candidatesFor(principal, group, model);
      const price = this.ratios.price(model);
      const groupRatio = this.ratios.groupRatio(group);
      const promptEstimate = roughPromptTokens(payload);
      const maxTokens = numberOr(payload.max_completion_tokens) ?? numberOr(payload.max_tokens);
      const reservation =
        endpoint.kind === 'embeddings' || endpoint.kind === 'moderations'
          ? computeQuota({ promptTokens: promptEstimate, completionTokens: 0 }, price, groupRatio)
          : computeReservation(
              promptEstimate,
              maxTokens,
              this.options.getNumber('PreConsumedQuota', 500),
              price,
              groupRatio,
            );
      const reserved = await this.reserve(principal, reservation);
      state = {
        requestId,
        startedAt: Date.now(),
        principal,
        model,
        stream,
        reserved,
        settled: false,
        promptEstimate,
      };

      const attempt = await this.callWithFailover(req, res, state, endpoint, payload, candidates);
      if (!attempt) return; // the error was answered and settled
      if (stream) await this.relayStream(req, res, state, attempt, endpoint);
      else await this.relayAnswer(res, state, attempt, endpoint, payload);
    } catch (error) {
      this.fail(res, requestId, error);
      if (state && !state.settled)
        this.settle(state, null, 0, 0, false, `error: ${(error as Error).message}`);
    }
  }

  private async candidatesFor(principal: RelayPrincipal, group: string, model: string) {
    if (principal.pinnedChannelId !== undefined) {
      const channel = await this.directory.channel(principal.pinnedChannelId);
      if (!channel || channel.status !== 1)
        throw relayErrors.pinnedChannelUnavailable(principal.pinnedChannelId);
      return [{ channelId: channel.id, priority: 0, weight: 0 }];
    }
    const candidates = await this.directory.candidates(group, model);
    if (candidates.length === 0) throw relayErrors.noChannel(group, model);
    return candidates;
  }

  private async reserve(principal: RelayPrincipal, amount: number): Promise<number> {
    try {
      return await this.reservations.reserve(
        {
          tokenId: principal.token.id,
          userId: principal.user.id,
          unlimitedToken: principal.token.unlimitedQuota,
        },
        amount,
      );
    } catch (error) {
      if (error instanceof InsufficientQuotaError) {
        if (error.holder === 'token') {
          this.directory.forgetToken(principal.key);
          throw relayErrors.keyExhausted();
        }
        throw relayErrors.userQuota();
      }
      throw error;
    }
  }

  /**
   * Tries channels until one answers 2xx. A failure that another channel may not have (connection error, timeout,
   * 429, 5xx, a channel-side auth error) moves on while RetryTimes allows and nothing was sent to the client yet.
   */
  private async callWithFailover(
    req: Request,
    res: Response,
    state: RequestState,
    endpoint: RelayEndpoint,
    payload: Record<string, unknown>,
    candidates: Array<{ channelId: number; priority: number; weight: number }>,
  ): Promise<Attempt | null> {
    const pinned = state.principal.pinnedChannelId !== undefined;
    const maxAttempts = pinned ? 1 : 1 + Math.max(0, Math.trunc(this.options.getNumber('RetryTimes', 0)));
    const tried = new Set<number>();
    let lastError: GatewayError | undefined;
    let lastChannel: Channel | undefined;
    for (let attempt = 0; attempt < maxAttempts; attempt++) {
      const pick = pickCandidate(candidates, tried);
      if (!pick) break;
      tried.add(pick.channelId);
      const channel = await this.directory.channel(pick.channelId);
      if (!channel) continue;
      lastChannel = channel;
      const prepared = prepareOpenAiBody(payload, state.model, channel, {
        chat: endpoint.kind === 'chat',
        stream: state.stream,
        forceUsage: this.config.enforceIncludeUsage && vendorOrDefault(channel.type).streamUsage,
      });
      const abort = new AbortController();
      const onClose = () => abort.abort();
      req.once('close', onClose);
      try {
        const response = await this.upstream.send({
          url: upstreamUrl(channel.type, channel.baseUrl ?? '', endpoint.path),
          method: 'POST',
          headers: this.upstreamHeaders(channel),
          body: JSON.stringify(prepared.body),
          signal: abort.signal,
        });
        if (response.statusCode >= 200 && response.statusCode < 300) {
          req.off('close', onClose);
          return { channel, ...prepared, response, abort };
        }
        const text = await response.body.text().catch(() => '');
        lastError = parseOpenAiUpstreamError(response.statusCode, text, response.headers);
      } catch (error) {
        lastError = fromTransportError(error);
      } finally {
        req.off('close', onClose);
      }
      if (abort.signal.aborted && (req.destroyed || res.destroyed)) {
        lastError = new GatewayError({ kind: 'network', message: 'client closed the request' });
        break;
      }
      this.logger.warn(
        `request ${state.requestId}: channel #${channel.id} failed: ${lastError.status} ${lastError.message}`,
      );
      if (!shouldTryAnotherChannel(lastError)) break;
    }
    const error = lastError ?? relayErrors.noChannel(state.principal.user.group, state.model);
    this.fail(res, state.requestId, error, lastChannel);
    this.settle(
      state,
      lastChannel ?? null,
      0,
      0,
      false,
      `error: ${isGatewayError(error) ? error.message : (error as Error).message}`,
    );
    return null;
  }

  private upstreamHeaders(channel: Channel): Record<string, string> {
    return {
      'content-type': 'application/json',
      accept: 'application/json, text/event-stream',
      authorization: `Bearer ${channel.key ?? ''}`,
      ...(vendorOrDefault(channel.type).headers ?? {}),
    };
  }

  private async relayAnswer(
    res: Response,
    state: RequestState,
    attempt: Attempt,
    endpoint: RelayEndpoint,
    payload: Record<string, unknown>,
  ): Promise<void> {
    let text: string;
    try {
      text = await attempt.response.body.text();
    } catch (error) {
      throw fromTransportError(error);
    }
    let usage: { promptTokens: number; completionTokens: number } | null = null;
    try {
      const json = JSON.parse(text) as { usage?: { prompt_tokens?: number; completion_tokens?: number } };
      if (json.usage && typeof json.usage === 'object') {
        usage = {
          promptTokens: Number(json.usage.prompt_tokens) || 0,
          completionTokens: Number(json.usage.completion_tokens) || 0,
        };
      }
    } catch {
      // Not JSON: pass it on as the provider sent it and estimate below.
    }
    usage ??= {
      promptTokens: this.promptTokens(state, payload),
      completionTokens:
        endpoint.kind === 'chat' || endpoint.kind === 'completions'
          ? countTextTokens(text, attempt.upstreamModel)
          : 0,
    };
    res.status(attempt.response.statusCode);
    res.setHeader('Content-Type', String(attempt.response.headers['content-type'] ?? 'application/json'));
    res.end(text);
    this.settleUsage(state, attempt, usage);
  }

  private async relayStream(
    req: Request,
    res: Response,
    state: RequestState,
    attempt: Attempt,
    endpoint: RelayEndpoint,
  ): Promise<void> {
    const tap = new OpenAiStreamTap(attempt.forcedUsage);
    res.status(200);
    res.setHeader('Content-Type', 'text/event-stream; charset=utf-8');
    res.setHeader('Cache-Control', 'no-cache');
    res.setHeader('Connection', 'keep-alive');
    res.setHeader('X-Accel-Buffering', 'no');
    res.flushHeaders();
    let clientGone = false;
    const onClose = () => {
      if (!res.writableFinished) {
        clientGone = true;
        attempt.abort.abort();
      }
    };
    res.once('close', onClose);
    let upstreamBroke = false;
    try {
      for await (const chunk of attempt.response.body) {
        const out = tap.push(chunk as Buffer);
        if (out.length > 0 && !res.write(out)) await waitForDrain(res);
        if (clientGone) break;
      }
      const tail = tap.finish();
      if (tail) res.write(tail);
    } catch {
      upstreamBroke = !clientGone;
    } finally {
      res.off('close', onClose);
    }
    if (upstreamBroke && !res.destroyed) {
      // Bytes were already sent: report the break inside the stream, in OpenAI's error shape, then end it.
      res.write(
        `data: ${JSON.stringify({ error: { message: `upstream stream was interrupted (request id: ${state.requestId})`, type: 'upstream_error', param: null, code: 'stream_interrupted' } })}\n\n`,
      );
    }
    if (!res.destroyed) res.end();
    const usage = tap.usage ?? {
      promptTokens: this.promptTokens(state, req.body as Record<string, unknown>),
      completionTokens: tap.streamedText ? countTextTokens(tap.streamedText, attempt.upstreamModel) : 0,
    };
    this.settleUsage(
      state,
      attempt,
      usage,
      clientGone ? 'client disconnected' : upstreamBroke ? 'upstream stream interrupted' : undefined,
    );
    void endpoint;
  }

  private promptTokens(state: RequestState, payload: Record<string, unknown>): number {
    return Math.max(state.promptEstimate, roughPromptTokens(payload));
  }

  private settleUsage(
    state: RequestState,
    attempt: Attempt,
    usage: { promptTokens: number; completionTokens: number },
    note?: string,
  ): void {
    const price = this.ratios.price(attempt.upstreamModel, attempt.channel.type);
    const groupRatio = this.ratios.groupRatio(state.principal.user.group);
    const quota = computeQuota(usage, price, groupRatio);
    const content = ratioLogText(price, groupRatio) + (note ? `; ${note}` : '');
    this.settle(
      state,
      attempt.channel,
      quota,
      usage.promptTokens,
      attempt.systemPromptReset,
      content,
      usage.completionTokens,
      attempt.upstreamModel,
    );
  }

  /** The single settlement of a request: charge `quota`, give back the rest of the hold, write one consume log. */
  private settle(
    state: RequestState,
    channel: Channel | null,
    quota: number,
    promptTokens: number,
    systemPromptReset: boolean,
    content: string,
    completionTokens = 0,
    upstreamModel?: string,
  ): void {
    if (state.settled) return;
    state.settled = true;
    this.settlements.enqueue({
      requestId: state.requestId,
      tokenId: state.principal.token.id,
      tokenName: state.principal.token.name,
      unlimitedToken: state.principal.token.unlimitedQuota,
      userId: state.principal.user.id,
      username: state.principal.user.username,
      channelId: channel?.id ?? null,
      reserved: state.reserved,
      quota,
      modelName: upstreamModel ?? state.model,
      originModelName: state.model,
      promptTokens,
      completionTokens,
      elapsedMs: Date.now() - state.startedAt,
      isStream: state.stream,
      systemPromptReset,
      content,
    });
  }

  /** Answers in OpenAI's error shape; upstream details (URLs, keys) never reach the caller. */
  private fail(res: Response, requestId: string, error: unknown, channel?: Channel): void {
    if (res.headersSent) {
      if (!res.destroyed) res.end();
      return;
    }
    let status = 500;
    let body: { message: string; type: string; param: string | null; code: string | null };
    if (error instanceof RelayError) {
      status = error.status;
      body = { message: error.message, type: error.type, param: error.param, code: error.code };
    } else if (isGatewayError(error)) {
      status = error.status;
      body = {
        message: userFacingMessage(error, channel),
        type: error.providerType ?? openAiType(error),
        param: error.param ?? null,
        code: error.providerCode ?? null,
      };
    } else {
      this.logger.error(error instanceof Error ? (error.stack ?? error.message) : String(error));
      body = { message: 'internal error', type: 'server_error', param: null, code: null };
    }
    body.message = `${body.message} (request id: ${requestId})`;
    if (!res.destroyed) res.status(status).json({ error: body });
  }
}

function openAiType(error: GatewayError): string {
  switch (error.kind) {
    case 'auth':
      return 'authentication_error';
    case 'permission':
      return 'permission_error';
    case 'rate-limit':
      return 'rate_limit_error';
    case 'invalid-request':
    case 'context-length':
    case 'not-found':
      return 'invalid_request_error';
    default:
      return 'upstream_error';
  }
}

function numberOr(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) && value > 0 ? value : undefined;
}

function waitForDrain(res: Response): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      res.off('drain', done);
      res.off('close', done);
      resolve();
    };
    res.once('drain', done);
    res.once('close', done);
  });
}

export const channelTypeName = (type: number) => channelTypeInfo(type)?.name ?? `type ${type}`;
