import { Injectable, Logger } from '@nestjs/common';
import type { Request, Response } from 'express';
import { fromTransportError, GatewayError, isGatewayError } from '@one-api/llm-core';
import type { UpstreamAdapter, UpstreamChannel } from '@one-api/llm-core';
import { openAiChatCodec } from '@one-api/llm-codecs';
import { upstreamUrl, vendorOrDefault } from '@one-api/llm-providers';
import { HoldStore, RatioTablesService, SettlementWriter } from '@one-api/server-billing';
import type { Channel } from '@one-api/server-db';
import { OptionsService } from '@one-api/server-options';
import { ChannelAdapters, parseChannelConfig } from '../channel-adapters.service';
import { Candidate, pickCandidate } from '../channel-picker';
import { RelayAdmission } from '../relay-admission.service';
import { RelayAuthService, RelayPrincipal } from '../relay-auth.service';
import { RelayDirectory } from '../relay-directory.service';
import { RelayError, relayErrors } from '../relay-error';
import { RelayCall, RelayChannelRef, RelayHooks } from '../relay-hooks';
import { newRequestId } from '../request-id';
import { modelMappingOf } from '../upstream-body';
import { UpstreamClient, UpstreamResponse } from '../upstream-client.service';
import { parseOpenAiUpstreamError, shouldTryAnotherChannel, userFacingMessage } from '../upstream-errors';

/** What a media request finally costs. */
export interface MediaCharge {
  quota: number;
  promptTokens: number;
  completionTokens: number;
  /** how the charge was computed (the consume log's content) */
  note: string;
}

/** The request an attempt sends to one channel. */
export interface MediaUpstreamRequest {
  url: string;
  headers: Record<string, string>;
  body: string | Buffer;
  /** an adapter whose `authorize` signs the request or adds a token (Vertex service accounts) before it is sent */
  authorizeWith?: UpstreamAdapter;
}

export interface MediaAttemptContext {
  channel: Channel;
  /** the model after the channel's model mapping */
  upstreamModel: string;
  adapter: UpstreamAdapter | undefined;
}

/**
 * One media request, prepared by its endpoint: what to hold, how to reach a channel, how to answer and what the
 * answer costs. The pipeline around it (key, routing, hold, failover, settlement) is MediaRelayService's.
 */
export interface MediaJob {
  endpoint: string;
  model: string;
  /** quota to hold before the call (group ratio applied) */
  hold: number;
  /** true when the channel can serve this job (by its adapter's protocol) */
  accepts(context: MediaAttemptContext): boolean;
  build(context: MediaAttemptContext): MediaUpstreamRequest;
  /** parses a provider error (default: OpenAI's error JSON) */
  parseError?(context: MediaAttemptContext, status: number, text: string): GatewayError;
  /** answers the caller from the 2xx response and tells what it costs */
  answer(response: UpstreamResponse, res: Response, context: MediaAttemptContext): Promise<MediaCharge>;
}

/** Builds the job once the caller is known (its group prices the hold). Throws RelayError for bad input. */
export type MediaJobFactory = (input: { principal: RelayPrincipal; groupRatio: number }) => Promise<MediaJob>;

/**
 * The OpenAI-compatible request to a channel: `{base}{path}` by the vendor's URL rule with the channel key as a
 * bearer token — on Azure, the deployment URL of `upstreamModel` with the api-version, and the key in `api-key`.
 */
export function openAiCompatibleRequest(
  channel: Channel,
  path: string,
  body: string | Buffer,
  contentType: string,
  upstreamModel?: string,
): MediaUpstreamRequest {
  const vendor = vendorOrDefault(channel.type);
  return {
    url: upstreamUrl(channel.type, channel.baseUrl ?? '', path, {
      model: upstreamModel,
      config: parseChannelConfig(channel.config),
      other: channel.other,
    }),
    headers: {
      'content-type': contentType,
      ...(vendor.auth === 'api-key'
        ? { 'api-key': channel.key ?? '' }
        : { authorization: `Bearer ${channel.key ?? ''}` }),
      ...(vendor.headers ?? {}),
    },
    body,
  };
}

/** The channel as adapters see it. */
export function upstreamChannelOf(channel: Channel): UpstreamChannel {
  return {
    type: channel.type,
    baseUrl: channel.baseUrl ?? '',
    key: channel.key ?? '',
    config: parseChannelConfig(channel.config),
    other: channel.other ?? undefined,
  };
}

/** Channels that speak OpenAI's own endpoints (images, audio, rerank on compatible vendors). */
export function speaksOpenAi(context: MediaAttemptContext): boolean {
  return context.adapter?.format === 'openai-chat';
}

/**
 * The relay pipeline for endpoints whose bodies have no canonical form (images, audio, rerank): key → routing →
 * quota hold → upstream call with failover → answer → exactly one settlement, whatever way the request ends.
 * Errors are OpenAI error JSON with the request id; a failed request is charged nothing and its hold given back.
 */
@Injectable()
export class MediaRelayService {
  private readonly logger = new Logger('MediaRelay');

  constructor(
    private readonly auth: RelayAuthService,
    private readonly directory: RelayDirectory,
    private readonly upstream: UpstreamClient,
    private readonly ratios: RatioTablesService,
    private readonly settlements: SettlementWriter,
    private readonly options: OptionsService,
    private readonly hooks: RelayHooks,
    private readonly adapters: ChannelAdapters,
    private readonly admission: RelayAdmission,
  ) {}

  /** Authenticates the caller, then lets `factory` read the body (multipart included) and describe the job. */
  async handle(req: Request, res: Response, factory: MediaJobFactory): Promise<void> {
    const requestId = (res.locals.requestId as string | undefined) || newRequestId();
    res.setHeader('X-Oneapi-Request-Id', requestId);
    let settle: ((channel: Channel | null, charge: MediaCharge, upstreamModel?: string) => void) | undefined;
    try {
      const principal = await this.auth.authenticate(req);
      const group = principal.user.group;
      const groupRatio = this.ratios.groupRatio(group);
      const job = await factory({ principal, groupRatio });
      if (principal.token.models && !principal.token.models.has(job.model))
        throw relayErrors.modelNotAllowed(job.model);
      const candidates = await this.admission.channels(res, principal, group, job.model);
      const hold = await this.admission.hold(principal, job.hold, requestId);
      const call: RelayCall = {
        requestId,
        traceId: res.locals.traceId as string | undefined,
        startedAt: Date.now(),
        endpoint: job.endpoint,
        model: job.model,
        group,
        stream: false,
        userId: principal.user.id,
        tokenId: principal.token.id,
        path: req.path,
        bodyBytes: Number(req.headers['content-length']) || 0,
        locals: res.locals,
        scratch: new Map(),
      };
      this.hooks.emit('requestStarted', call);
      let settled = false;
      settle = (channel, charge, upstreamModel) => {
        if (settled) return;
        settled = true;
        this.settle(principal, call, hold, res, channel, charge, upstreamModel);
      };
      await this.run(req, res, principal, call, job, candidates, settle);
    } catch (error) {
      this.fail(res, requestId, error);
      settle?.(null, {
        quota: 0,
        promptTokens: 0,
        completionTokens: 0,
        note: `error: ${(error as Error).message}`,
      });
    }
  }

  private async run(
    req: Request,
    res: Response,
    principal: RelayPrincipal,
    call: RelayCall,
    job: MediaJob,
    candidates: Candidate[],
    settle: (channel: Channel | null, charge: MediaCharge, upstreamModel?: string) => void,
  ): Promise<void> {
    const pinned = principal.pinnedChannelId !== undefined;
    const maxAttempts = pinned ? 1 : 1 + Math.max(0, Math.trunc(this.options.getNumber('RetryTimes', 0)));
    const tried = new Set<number>();
    let lastError: unknown;
    let lastChannel: Channel | undefined;
    for (let attempt = 0; attempt < maxAttempts; ) {
      const pick = pickCandidate(candidates, tried);
      if (!pick) break;
      tried.add(pick.channelId);
      const channel = await this.directory.channel(pick.channelId);
      if (!channel) continue;
      const upstreamModel = modelMappingOf(channel)[job.model] ?? job.model;
      const context: MediaAttemptContext = {
        channel,
        upstreamModel,
        adapter: this.adapters.forChannel(channel, upstreamModel),
      };
      // A channel of another protocol is skipped without using up an attempt.
      if (!job.accepts(context)) {
        lastError ??= new GatewayError({
          kind: 'upstream',
          status: 503,
          message: `no channel for model ${job.model} serves ${job.endpoint}`,
        });
        continue;
      }
      attempt++;
      lastChannel = channel;
      const ref: RelayChannelRef = { id: channel.id, type: channel.type, name: channel.name ?? '' };
      const abort = new AbortController();
      const onClose = () => abort.abort();
      req.once('close', onClose);
      const sentAt = Date.now();
      let failure: GatewayError;
      let upstreamStatus: number | undefined;
      try {
        const request = job.build(context);
        this.hooks.emit('attemptStarted', call, ref, attempt);
        const httpCall = {
          url: request.url,
          headers: request.headers,
          body: request.body,
          method: 'POST' as const,
          signal: abort.signal,
        };
        // An OpenAI-shaped channel whose credentials need more than its key (Zhipu JWT, Copilot token) signs its
        // JSON media calls too; multipart bodies stay raw bytes, which `authorize` (text in, text out) cannot carry.
        const authorizeWith =
          request.authorizeWith ??
          (typeof request.body === 'string' &&
          context.adapter?.format === 'openai-chat' &&
          context.adapter.authorize
            ? context.adapter
            : undefined);
        const authorize = authorizeWith?.authorize;
        // Without `exchange`, sendPlanned answers the plain HTTP response of the authorized request.
        const response = authorize
          ? ((await this.upstream.sendPlanned(
              httpCall,
              { ...(authorizeWith as UpstreamAdapter), authorize, exchange: undefined },
              upstreamChannelOf(channel),
            )) as UpstreamResponse)
          : await this.upstream.send(httpCall);
        upstreamStatus = response.statusCode;
        if (response.statusCode >= 200 && response.statusCode < 300) {
          this.hooks.emit('attemptSucceeded', call, ref, Date.now() - sentAt);
          const charge = await job.answer(response, res, context);
          this.hooks.emit('firstByte', call, ref, Date.now() - call.startedAt);
          settle(channel, charge, context.upstreamModel);
          return;
        }
        const text = await response.body.text().catch(() => '');
        failure = job.parseError
          ? job.parseError(context, response.statusCode, text)
          : parseOpenAiUpstreamError(response.statusCode, text, response.headers);
      } catch (error) {
        if (error instanceof RelayError || (isGatewayError(error) && error.kind === 'invalid-request')) {
          lastError = error;
          break;
        }
        if (res.headersSent) throw error; // the answer was already under way: nothing to retry
        failure = isGatewayError(error) ? error : fromTransportError(error);
      } finally {
        req.off('close', onClose);
      }
      lastError = failure;
      this.hooks.emit('attemptFailed', call, ref, failure, Date.now() - sentAt, upstreamStatus);
      if (abort.signal.aborted && (req.destroyed || res.destroyed)) break;
      this.logger.warn(
        `request ${call.requestId}: channel #${channel.id} failed: ${failure.status} ${failure.message}`,
      );
      if (!shouldTryAnotherChannel(failure)) break;
    }
    const error = lastError ?? relayErrors.noChannel(principal.user.group, job.model);
    this.fail(res, call.requestId, error, lastChannel);
    settle(lastChannel ?? null, {
      quota: 0,
      promptTokens: 0,
      completionTokens: 0,
      note: `error: ${error instanceof Error ? error.message : String(error)}`,
    });
  }

  private settle(
    principal: RelayPrincipal,
    call: RelayCall,
    hold: { amount: number; store: HoldStore },
    res: Response,
    channel: Channel | null,
    charge: MediaCharge,
    upstreamModel?: string,
  ): void {
    this.settlements.enqueue({
      requestId: call.requestId,
      tokenId: principal.token.id,
      tokenName: principal.token.name,
      unlimitedToken: principal.token.unlimitedQuota,
      userId: principal.user.id,
      username: principal.user.username,
      channelId: channel?.id ?? null,
      reserved: hold.amount,
      quota: charge.quota,
      modelName: upstreamModel ?? call.model,
      originModelName: call.model,
      promptTokens: charge.promptTokens,
      completionTokens: charge.completionTokens,
      elapsedMs: Date.now() - call.startedAt,
      isStream: false,
      systemPromptReset: false,
      content: charge.note,
      holdStore: hold.store,
      traceId: call.traceId,
    });
    this.hooks.emit('requestFinished', call, {
      channel: channel ? { id: channel.id, type: channel.type, name: channel.name ?? '' } : null,
      status: res.statusCode,
      quota: charge.quota,
      promptTokens: charge.promptTokens,
      completionTokens: charge.completionTokens,
      upstreamModel: upstreamModel ?? call.model,
      elapsedMs: Date.now() - call.startedAt,
      error: charge.note.startsWith('error: ') ? charge.note.slice(7) : undefined,
    });
  }

  /** OpenAI error JSON with the request id; upstream keys and URLs never reach the caller. */
  private fail(res: Response, requestId: string, error: unknown, channel?: Channel): void {
    if (res.headersSent) {
      if (!res.destroyed) res.destroy();
      return;
    }
    let gatewayError: GatewayError;
    if (error instanceof RelayError) {
      gatewayError = new GatewayError({
        kind: 'invalid-request',
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
    const encoded = openAiChatCodec.encodeError(
      new GatewayError({
        kind: gatewayError.kind,
        status: gatewayError.status,
        message: `${gatewayError.message} (request id: ${requestId})`,
        providerType: gatewayError.providerType,
        providerCode: gatewayError.providerCode,
        param: gatewayError.param,
      }),
    );
    if (!res.destroyed) res.status(encoded.status).json(encoded.body);
  }
}
