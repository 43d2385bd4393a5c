import { Injectable, Logger } from '@nestjs/common';
import type { Request, Response } from 'express';
import {
  CanonicalRequest,
  countTextTokens,
  fromTransportError,
  GatewayError,
  InboundCodec,
  isGatewayError,
  makeUsage,
  StreamEvent,
  tryParseJson,
  Usage,
} from '@one-api/llm-core';
import type { UpstreamExchangeResponse } from '@one-api/llm-core';
import {
  AnthropicCallerHeaders,
  anthropicCallerHeaders,
  openAiChatCodec,
  withAnthropicHeaders,
} from '@one-api/llm-codecs';
import { vendorOrDefault } from '@one-api/llm-providers';
import {
  billedTokens,
  computeQuota,
  computeReservation,
  HoldStore,
  RatioTablesService,
  ratioLogText,
  usageLogMetadata,
  UsageTokens,
  SettlementWriter,
  webSearchFeeQuota,
  AUDIO_CHAT_USD_PER_1M,
  audioChatQuota,
} from '@one-api/server-billing';
import { AppConfig } from '@one-api/server-config';
import type { Channel } from '@one-api/server-db';
import { OptionsService } from '@one-api/server-options';
import { ChannelAdapters } from './channel-adapters.service';
import { Candidate, pickCandidate } from './channel-picker';
import { OPENAI_CHAT_PASSTHROUGH, PASSTHROUGH_FORMATS } from './passthrough-formats';
import { StreamForwarder, streamBreakEvent } from './stream-forwarder';
import { applyThinking, needsConversion, readUrlOptions, UrlOptions } from './url-options';
import { roughPromptTokens } from './prompt-estimate';
import { RelayAdmission } from './relay-admission.service';
import { RelayAuthService, RelayPrincipal } from './relay-auth.service';
import { RelayDirectory } from './relay-directory.service';
import { RelayEndpoint } from './relay-endpoints';
import { RelayError, relayErrors } from './relay-error';
import { RelayCall, RelayChannelRef, RelayHooks } from './relay-hooks';
import { newRequestId } from './request-id';
import { planUpstreamCall, UpstreamPlan } from './upstream-call';
import { UpstreamClient } from './upstream-client.service';
import { bufferedResponse } from './buffered-response';
import { modelMappingOf } from './upstream-body';
import { needsInlineMedia, RemoteMediaInliner } from './user-content/remote-media-inliner.service';
import { parseOpenAiUpstreamError, shouldTryAnotherChannel, userFacingMessage } from './upstream-errors';

interface Attempt {
  channel: Channel;
  plan: UpstreamPlan;
  response: UpstreamExchangeResponse;
  abort: AbortController;
}

/** Everything known about one relayed request, carried to its single settlement. */
interface RequestState {
  requestId: string;
  startedAt: number;
  principal: RelayPrincipal;
  endpoint: RelayEndpoint;
  payload: Record<string, unknown>;
  model: string;
  stream: boolean;
  reserved: number;
  settled: boolean;
  promptEstimate: number;
  canonical?: CanonicalRequest;
  /** the caller's body bytes and headers, for formats passed through byte for byte */
  rawBody?: Buffer;
  anthropicHeaders: AnthropicCallerHeaders;
  /** `?thinking=` / `?reasoning_format=` */
  urlOptions: UrlOptions;
  /** where the quota hold lives (Redis with BATCH_UPDATE_ENABLED, else the database) */
  holdStore: HoldStore;
  /** what observers (health, metrics, tracing) see of this request */
  call: RelayCall;
  res: Response;
}

/** Input (cache buckets included) and output tokens a request is charged for. */
type BilledUsage = UsageTokens;

/**
 * The relay: key → routing → quota hold → upstream call with failover → answer or stream → exactly one settlement
 * (charge, refund of the rest of the hold, one consume log), whatever way the request ends. A channel speaking the
 * caller's format gets the caller's bytes (passthrough); any other channel is reached through the canonical model.
 */
@Injectable()
export class RelayService {
  private readonly logger = new Logger('Relay');

  constructor(
    private readonly auth: RelayAuthService,
    private readonly directory: RelayDirectory,
    private readonly upstream: UpstreamClient,
    private readonly ratios: RatioTablesService,
    private readonly settlements: SettlementWriter,
    private readonly options: OptionsService,
    private readonly config: AppConfig,
    private readonly hooks: RelayHooks,
    private readonly adapters: ChannelAdapters,
    private readonly remoteMedia: RemoteMediaInliner,
    private readonly admission: RelayAdmission,
  ) {}

  async handle(req: Request, res: Response, endpoint: RelayEndpoint, modelFromPath?: string): Promise<void> {
    const arrivedAt = Date.now();
    const requestId = (res.locals.requestId as string | undefined) || newRequestId();
    res.setHeader('X-Oneapi-Request-Id', requestId);
    let state: RequestState | undefined;
    try {
      const principal = await this.auth.authenticate(req);
      const body = req.body as unknown;
      if (!body || typeof body !== 'object' || Array.isArray(body))
        throw relayErrors.badBody('The request body must be a JSON object');
      const payload = body as Record<string, unknown>;
      if (payload.model !== undefined && typeof payload.model !== 'string')
        throw relayErrors.badBody('model must be a string', 'model');
      const model = modelFromPath ?? ((payload.model as string | undefined) || endpoint.defaultModel);
      if (!model) throw relayErrors.modelMissing();
      if (principal.token.models && !principal.token.models.has(model))
        throw relayErrors.modelNotAllowed(model);
      const stream = endpoint.streams && payload.stream === true;

      const group = principal.user.group;
      const candidates = await this.admission.channels(res, principal, group, model);
      const price = this.ratios.price(model);
      const groupRatio = this.ratios.groupRatio(group);
      const promptEstimate = roughPromptTokens(payload);
      const maxTokens =
        positive(payload.max_completion_tokens) ??
        positive(payload.max_tokens) ??
        positive(payload.max_output_tokens);
      const tokenHold =
        endpoint.kind === 'embeddings' || endpoint.kind === 'moderations'
          ? computeQuota({ promptTokens: promptEstimate, completionTokens: 0 }, price, groupRatio)
          : computeReservation(
              promptEstimate,
              maxTokens,
              // A background Responses request runs on after this call: hold the fork's larger default for it.
              endpoint.kind === 'responses' && payload.background === true
                ? this.config.preconsumeTokenForBackgroundRequest
                : this.options.getNumber('PreConsumedQuota', 500),
              price,
              groupRatio,
            );
      // A search model's per-call fee is charged at settlement on top of the tokens: hold it up front too.
      const reservation =
        tokenHold + (endpoint.kind === 'chat' ? webSearchFeeQuota(model, payload, groupRatio) : 0);
      const hold = await this.admission.hold(principal, reservation, requestId);
      state = {
        requestId,
        startedAt: Date.now(),
        principal,
        endpoint,
        payload,
        model,
        stream,
        reserved: hold.amount,
        holdStore: hold.store,
        res,
        settled: false,
        promptEstimate,
        rawBody: (req as Request & { rawBody?: Buffer }).rawBody,
        anthropicHeaders: anthropicCallerHeaders(req.headers),
        urlOptions: readUrlOptions(req.query as Record<string, unknown>),
        call: {
          requestId,
          traceId: res.locals.traceId as string | undefined,
          startedAt: arrivedAt,
          endpoint: endpoint.kind,
          model,
          group,
          stream,
          userId: principal.user.id,
          tokenId: principal.token.id,
          path: req.path,
          bodyBytes: Number(req.headers['content-length']) || 0,
          locals: res.locals,
          scratch: new Map(),
        },
      };
      this.hooks.emit('requestStarted', state.call);

      const attempt = await this.callWithFailover(req, res, state, candidates);
      if (!attempt) return; // the failure was answered and settled
      if (attempt.plan.mode === 'passthrough') {
        if (stream) await this.passthroughStream(res, state, attempt, attempt.plan);
        else await this.passthroughAnswer(res, state, attempt, attempt.plan);
      } else if (stream) await this.convertedStream(res, state, attempt, attempt.plan);
      else await this.convertedAnswer(res, state, attempt, attempt.plan);
    } catch (error) {
      this.fail(res, requestId, error, endpoint.codec);
      if (state && !state.settled)
        this.settle(
          state,
          null,
          { promptTokens: 0, completionTokens: 0 },
          0,
          false,
          `error: ${(error as Error).message}`,
        );
    }
  }

  private canonicalOf(state: RequestState): CanonicalRequest {
    const codec = state.endpoint.codec;
    if (!codec)
      throw new GatewayError({ kind: 'invalid-request', message: 'this endpoint has no canonical form' });
    if (!state.canonical) {
      const decoded = applyThinking(codec.decodeRequest(state.payload), state.urlOptions);
      state.canonical =
        state.endpoint.kind === 'messages' ? withAnthropicHeaders(decoded, state.anthropicHeaders) : decoded;
    }
    return state.canonical;
  }

  /**
   * Tries channels until one answers 2xx. A failure another channel may not have (connection error, timeout, 429,
   * 5xx, a channel-side credential error) moves on while RetryTimes allows; nothing has reached the client yet.
   */
  private async callWithFailover(
    req: Request,
    res: Response,
    state: RequestState,
    candidates: Candidate[],
  ): Promise<Attempt | null> {
    const pinned = state.principal.pinnedChannelId !== undefined;
    const maxAttempts = pinned ? 1 : 1 + Math.max(0, Math.trunc(this.options.getNumber('RetryTimes', 0)));
    const tried = new Set<number>();
    let lastError: unknown;
    let lastChannel: Channel | undefined;
    for (let attempt = 0; attempt < maxAttempts; attempt++) {
      const pick = pickCandidate(candidates, tried);
      if (!pick) break;
      tried.add(pick.channelId);
      const channel = await this.directory.channel(pick.channelId);
      if (!channel) continue;
      lastChannel = channel;
      const abort = new AbortController();
      const onClose = () => abort.abort();
      req.once('close', onClose);
      let failure: GatewayError;
      const ref: RelayChannelRef = { id: channel.id, type: channel.type, name: channel.name ?? '' };
      let sentAt = 0;
      let upstreamStatus: number | undefined;
      try {
        const adapter = this.adapters.forChannel(
          channel,
          modelMappingOf(channel)[state.model] ?? state.model,
        );
        // Upstreams that cannot read image URLs (Gemini, Vertex Gemini, Bedrock, Ollama) get them fetched by the
        // gateway (SSRF-safe) and inline.
        if (adapter && needsInlineMedia(adapter.format) && state.endpoint.codec)
          await this.remoteMedia.inline(this.canonicalOf(state), abort.signal);
        const plan = planUpstreamCall({
          endpoint: state.endpoint,
          payload: state.payload,
          model: state.model,
          stream: state.stream,
          channel,
          adapter,
          forceUsage: this.config.enforceIncludeUsage && vendorOrDefault(channel.type).streamUsage,
          canonical: () => this.canonicalOf(state),
          rawBody: state.rawBody,
          anthropicHeaders: state.anthropicHeaders,
          forceConvert: needsConversion(state.urlOptions),
          vendorOptions: this.adapters.vendorOptions,
        });
        sentAt = Date.now();
        this.hooks.emit('attemptStarted', state.call, ref, attempt + 1);
        const response = await this.upstream.sendPlanned(
          { url: plan.url, method: 'POST', headers: plan.headers, body: plan.body, signal: abort.signal },
          plan.mode === 'convert' ? plan.adapter : plan.authorizer?.adapter,
          plan.mode === 'convert' ? plan.upstreamChannel : plan.authorizer?.upstreamChannel,
        );
        upstreamStatus = response.statusCode;
        if (response.statusCode >= 200 && response.statusCode < 300) {
          const answer = state.stream ? response : await bufferedResponse(response);
          this.hooks.emit('attemptSucceeded', state.call, ref, Date.now() - sentAt);
          return { channel, plan, response: answer, abort };
        }
        const text = await response.body.text().catch(() => '');
        failure =
          plan.mode === 'convert'
            ? plan.adapter.parseError(response.statusCode, text, response.headers)
            : parseOpenAiUpstreamError(response.statusCode, text, response.headers);
        if (plan.mode === 'convert' && (failure.kind === 'auth' || failure.kind === 'permission')) {
          failure = new GatewayError({
            kind: 'upstream',
            status: 502,
            retryable: true,
            message: 'the upstream provider rejected the channel credentials',
          });
        }
      } catch (error) {
        if (isGatewayError(error) && error.kind === 'invalid-request') {
          lastError = error; // the caller's body is wrong: no channel will take it
          break;
        }
        failure = fromTransportError(error);
      } finally {
        req.off('close', onClose);
      }
      lastError = failure;
      const clientGone = abort.signal.aborted && (req.destroyed || res.destroyed);
      if (sentAt)
        this.hooks.emit(
          'attemptFailed',
          state.call,
          ref,
          clientGone
            ? new GatewayError({
                kind: 'network',
                message: 'client closed the request',
                providerCode: 'client_closed',
              })
            : failure,
          Date.now() - sentAt,
          upstreamStatus,
        );
      if (clientGone) break;
      this.logger.warn(
        `request ${state.requestId}: channel #${channel.id} failed: ${failure.status} ${failure.message}`,
      );
      if (!shouldTryAnotherChannel(failure)) break;
    }
    const error = lastError ?? relayErrors.noChannel(state.principal.user.group, state.model);
    this.fail(res, state.requestId, error, state.endpoint.codec, lastChannel);
    const note = error instanceof Error ? error.message : String(error);
    this.settle(
      state,
      lastChannel ?? null,
      { promptTokens: 0, completionTokens: 0 },
      0,
      false,
      `error: ${note}`,
    );
    return null;
  }

  private startStream(res: Response): void {
    res.status(200);
    res.setHeader('Content-Type', 'text/event-stream; charset=utf-8');
    res.setHeader('Cache-Control', 'no-cache');
    res.setHeader('Connection', 'keep-alive');
    res.setHeader('X-Accel-Buffering', 'no');
    res.flushHeaders();
  }

  /** Pumps the upstream body to `forward`, stopping when the client leaves; tells how the stream ended. */
  private async pump(
    res: Response,
    state: RequestState,
    attempt: Attempt,
    forward: (chunk: Buffer) => string | Buffer,
  ): Promise<'done' | 'client-gone' | 'upstream-broke'> {
    let clientGone = false;
    let first = true;
    const onClose = () => {
      if (!res.writableFinished) {
        clientGone = true;
        attempt.abort.abort();
      }
    };
    res.once('close', onClose);
    // The client may have left before the stream started: its 'close' has fired already and would never come.
    if (res.destroyed) onClose();
    try {
      for await (const chunk of attempt.response.body) {
        const out = forward(chunk as Buffer);
        if (out.length > 0 && first) {
          first = false;
          this.firstByte(state, attempt);
        }
        if (out.length > 0 && !res.write(out)) await waitForDrain(res);
        if (clientGone) return 'client-gone';
      }
      return 'done';
    } catch {
      return clientGone ? 'client-gone' : 'upstream-broke';
    } finally {
      res.off('close', onClose);
    }
  }

  private async passthroughAnswer(
    res: Response,
    state: RequestState,
    attempt: Attempt,
    plan: UpstreamPlan & { mode: 'passthrough' },
  ): Promise<void> {
    let text: string;
    try {
      text = await attempt.response.body.text();
    } catch (error) {
      throw fromTransportError(error);
    }
    if (plan.transformBody) {
      text = plan.transformBody(text);
      res.setHeader('Content-Type', 'application/json');
    }
    const usage = PASSTHROUGH_FORMATS[plan.format]?.usageFromBody(text);
    const generative = state.endpoint.kind !== 'embeddings' && state.endpoint.kind !== 'moderations';
    const billed = usage
      ? billedTokens(usage)
      : {
          promptTokens: state.promptEstimate,
          completionTokens: generative ? countTextTokens(text, plan.upstreamModel) : 0,
        };
    res.status(attempt.response.statusCode);
    if (!plan.transformBody)
      res.setHeader('Content-Type', String(attempt.response.headers['content-type'] ?? 'application/json'));
    this.firstByte(state, attempt);
    res.end(text);
    this.settleUsage(state, attempt, billed, undefined, usage);
  }

  private async passthroughStream(
    res: Response,
    state: RequestState,
    attempt: Attempt,
    plan: UpstreamPlan & { mode: 'passthrough' },
  ): Promise<void> {
    const format = PASSTHROUGH_FORMATS[plan.format] ?? OPENAI_CHAT_PASSTHROUGH;
    const forwarder = new StreamForwarder(format.tap(), plan.forcedUsage && plan.format === 'openai-chat');
    this.startStream(res);
    const ending = await this.pump(res, state, attempt, (chunk) => forwarder.push(chunk));
    if (ending !== 'client-gone') {
      const tail = forwarder.finish();
      if (tail && !res.destroyed) res.write(tail);
    }
    if (ending === 'upstream-broke' && !res.destroyed) {
      // Bytes were already sent: report the break inside the stream, in the stream's own error shape.
      res.write(
        streamBreakEvent(plan.format, `upstream stream was interrupted (request id: ${state.requestId})`),
      );
    }
    if (!res.destroyed) res.end();
    const usage = forwarder.usage;
    const billed = usage
      ? billedTokens(usage)
      : {
          promptTokens: state.promptEstimate,
          completionTokens: forwarder.streamedText
            ? countTextTokens(forwarder.streamedText, plan.upstreamModel)
            : 0,
        };
    this.settleUsage(state, attempt, billed, endingNote(ending), usage);
  }

  private async convertedAnswer(
    res: Response,
    state: RequestState,
    attempt: Attempt,
    plan: UpstreamPlan & { mode: 'convert' },
  ): Promise<void> {
    let text: string;
    try {
      text = await attempt.response.body.text();
    } catch (error) {
      throw fromTransportError(error);
    }
    const response = plan.adapter.parseResponse(tryParseJson(text));
    const completionText = response.content
      .map((p) => ('text' in p ? p.text : 'arguments' in p ? p.arguments : ''))
      .join('');
    const billed = this.billedFrom(response.usage, state, completionText, plan.upstreamModel);
    // As in streams, the caller sees usage even when the upstream reported none (DeepL): the estimate it is billed by.
    const shown = response.usage
      ? response
      : {
          ...response,
          usage: makeUsage({ inputTokens: billed.promptTokens, outputTokens: billed.completionTokens }),
        };
    const encoded = plan.codec.encodeResponse(shown, {
      request: state.canonical ?? plan.request,
      model: state.model,
      reasoningFormat: state.urlOptions.reasoningFormat,
      warn: (message) => this.logger.warn(`request ${state.requestId}: ${message}`),
    });
    this.firstByte(state, attempt);
    res.status(200).json(encoded);
    this.settleUsage(state, attempt, billed, undefined, response.usage);
  }

  private async convertedStream(
    res: Response,
    state: RequestState,
    attempt: Attempt,
    plan: UpstreamPlan & { mode: 'convert' },
  ): Promise<void> {
    const decoder = plan.adapter.createStreamDecoder();
    const encoder = plan.codec.createStreamEncoder({
      request: state.canonical ?? plan.request,
      model: state.model,
      reasoningFormat: state.urlOptions.reasoningFormat,
      warn: (message) => this.logger.warn(`request ${state.requestId}: ${message}`),
    });
    let usage: Usage | undefined;
    let generated = '';
    const translate = (events: StreamEvent[]): string => {
      let out = '';
      for (const event of events) {
        if (event.type === 'usage') usage = event.usage;
        else if (event.type === 'text-delta' || event.type === 'reasoning-delta') generated += event.text;
        else if (event.type === 'tool-call-delta') generated += event.argumentsDelta;
        out += encoder.encode(event);
      }
      return out;
    };
    this.startStream(res);
    const ending = await this.pump(res, state, attempt, (chunk) => translate(decoder.push(chunk)));
    if (ending !== 'client-gone' && !res.destroyed) {
      let tail = translate(decoder.end());
      if (ending === 'upstream-broke') {
        tail += encoder.encode({
          type: 'error',
          error: new GatewayError({
            kind: 'network',
            message: `upstream stream was interrupted (request id: ${state.requestId})`,
          }),
        });
      }
      const billed = this.billedFrom(usage, state, generated, plan.upstreamModel);
      // The caller sees usage even when the upstream reported none: the estimate the request is billed by.
      if (!usage)
        tail += encoder.encode({
          type: 'usage',
          usage: makeUsage({ inputTokens: billed.promptTokens, outputTokens: billed.completionTokens }),
        });
      tail += encoder.finish();
      if (tail) res.write(tail);
    }
    if (!res.destroyed) res.end();
    this.settleUsage(
      state,
      attempt,
      this.billedFrom(usage, state, generated, plan.upstreamModel),
      endingNote(ending),
      usage,
    );
  }

  private firstByte(state: RequestState, attempt: Attempt): void {
    const ref = { id: attempt.channel.id, type: attempt.channel.type, name: attempt.channel.name ?? '' };
    this.hooks.emit('firstByte', state.call, ref, Date.now() - state.call.startedAt);
  }

  private billedFrom(
    usage: Usage | undefined,
    state: RequestState,
    generated: string,
    upstreamModel: string,
  ): BilledUsage {
    if (usage) return billedTokens(usage);
    return {
      promptTokens: state.promptEstimate,
      completionTokens: generated ? countTextTokens(generated, upstreamModel) : 0,
    };
  }

  private settleUsage(
    state: RequestState,
    attempt: Attempt,
    usage: BilledUsage,
    note?: string,
    reported?: Usage,
  ): void {
    // The channel's own prices (model_configs) come with the cached channel: no read per request.
    const price = this.ratios.priceOnChannel(attempt.plan.upstreamModel, attempt.channel, state.model);
    const groupRatio = this.ratios.groupRatio(state.principal.user.group);
    // OpenAI's search models add a fee per call (by web_search_options.search_context_size) on top of the tokens.
    const searchFee =
      state.endpoint.kind === 'chat'
        ? webSearchFeeQuota(attempt.plan.upstreamModel, state.payload, groupRatio)
        : 0;
    // Audio chat models (gpt-4o-audio-preview) price audio tokens apart from text tokens.
    const audioPrices = AUDIO_CHAT_USD_PER_1M[attempt.plan.upstreamModel];
    const tokenQuota = audioPrices
      ? audioChatQuota(
          audioPrices,
          {
            promptTokens: usage.promptTokens,
            completionTokens: usage.completionTokens,
            promptAudioTokens: reported?.inputAudioTokens ?? 0,
            completionAudioTokens: reported?.outputAudioTokens ?? 0,
          },
          groupRatio,
        )
      : computeQuota(usage, price, groupRatio);
    const quota = tokenQuota + searchFee;
    const content =
      ratioLogText(price, groupRatio, usage) +
      (searchFee ? `; web search fee ${searchFee}` : '') +
      (audioPrices
        ? `; audio tokens in ${reported?.inputAudioTokens ?? 0}, out ${reported?.outputAudioTokens ?? 0}`
        : '') +
      (note ? `; ${note}` : '');
    this.settle(
      state,
      attempt.channel,
      usage,
      quota,
      attempt.plan.systemPromptReset,
      content,
      attempt.plan.upstreamModel,
    );
  }

  /** The single settlement of a request: charge `quota`, give back the rest of the hold, write one consume log. */
  private settle(
    state: RequestState,
    channel: Channel | null,
    usage: BilledUsage,
    quota: number,
    systemPromptReset: boolean,
    content: string,
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
      promptTokens: usage.promptTokens,
      completionTokens: usage.completionTokens,
      elapsedMs: Date.now() - state.startedAt,
      isStream: state.stream,
      systemPromptReset,
      content,
      holdStore: state.holdStore,
      traceId: state.call.traceId,
      cachedPromptTokens: usage.cacheReadTokens ?? 0,
      usageMetadata: usageLogMetadata(usage),
    });
    this.hooks.emit('requestFinished', state.call, {
      channel: channel ? { id: channel.id, type: channel.type, name: channel.name ?? '' } : null,
      status: state.res.statusCode,
      quota,
      promptTokens: usage.promptTokens,
      completionTokens: usage.completionTokens,
      upstreamModel: upstreamModel ?? state.model,
      elapsedMs: Date.now() - state.call.startedAt,
      error: content.startsWith('error: ') ? content.slice(7) : undefined,
    });
  }

  /** Answers in the caller's own error shape; upstream details (URLs, keys) never reach the caller. */
  private fail(
    res: Response,
    requestId: string,
    error: unknown,
    codec: InboundCodec = openAiChatCodec,
    channel?: Channel,
  ): void {
    if (res.headersSent) {
      if (!res.destroyed) res.end();
      return;
    }
    let gatewayError: GatewayError;
    if (error instanceof RelayError) {
      gatewayError = new GatewayError({
        kind: kindOfStatus(error.status),
        status: error.status,
        message: error.message,
        providerType: error.type,
        providerCode: error.code ?? undefined,
        param: error.param ?? undefined,
      });
    } else if (isGatewayError(error)) {
      gatewayError = new GatewayError({
        kind: error.kind,
        status: error.status,
        message: userFacingMessage(error, channel),
        providerType: error.providerType,
        providerCode: error.providerCode,
        param: error.param,
      });
    } else {
      this.logger.error(error instanceof Error ? (error.stack ?? error.message) : String(error));
      gatewayError = new GatewayError({
        kind: 'upstream',
        status: 500,
        message: 'internal error',
        providerType: 'server_error',
      });
    }
    const withId = new GatewayError({
      kind: gatewayError.kind,
      status: gatewayError.status,
      message: `${gatewayError.message} (request id: ${requestId})`,
      providerType: gatewayError.providerType,
      providerCode: gatewayError.providerCode,
      param: gatewayError.param,
    });
    const encoded = codec.encodeError(withId);
    if (!res.destroyed) res.status(encoded.status).json(encoded.body);
  }
}

function kindOfStatus(status: number): GatewayError['kind'] {
  if (status === 401) return 'auth';
  if (status === 403) return 'permission';
  if (status === 404) return 'not-found';
  if (status === 429) return 'rate-limit';
  if (status === 503) return 'overloaded';
  return status >= 500 ? 'upstream' : 'invalid-request';
}

function endingNote(ending: 'done' | 'client-gone' | 'upstream-broke'): string | undefined {
  if (ending === 'client-gone') return 'client disconnected';
  if (ending === 'upstream-broke') return 'upstream stream interrupted';
  return undefined;
}

function positive(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) && value > 0 ? value : undefined;
}

function waitForDrain(res: Response): Promise<void> {
  return new Promise((resolve) => {
    // A closed response emits neither 'drain' nor another 'close': waiting would hang the request forever.
    if (res.destroyed) return resolve();
    const done = () => {
      res.off('drain', done);
      res.off('close', done);
      resolve();
    };
    res.once('drain', done);
    res.once('close', done);
  });
}
