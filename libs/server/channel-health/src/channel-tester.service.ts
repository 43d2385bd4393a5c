import { Injectable, Logger } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import { ChannelStatus, LogType } from '@one-api/contracts';
import { fromTransportError, GatewayError, isGatewayError } from '@one-api/llm-core';
import type { CanonicalRequest } from '@one-api/llm-core';
import { adapterForChannel } from '@one-api/llm-providers';
import { splitCommaList, unixNow } from '@one-api/server-common';
import { AppConfig } from '@one-api/server-config';
import { Channel } from '@one-api/server-db';
import { LogsService } from '@one-api/server-logs';
import { OptionsService } from '@one-api/server-options';
import { UpstreamClient } from '@one-api/server-relay';
import { ChannelHealthService } from './channel-health.service';
import { failureFacts, shouldDisableChannel } from './disable-rules';

export const TEST_PROMPT = 'Output only your specific model name with no additional text.';
const DEFAULT_TEST_MODEL = 'gpt-3.5-turbo';
const TEST_TIMEOUT_MS = 60_000;

/** One API's flat channel-test answer. */
export interface ChannelTestResult {
  success: boolean;
  /** the model's reply, or the error */
  message: string;
  /** seconds */
  time: number;
  modelName: string;
}

interface TestOutcome extends ChannelTestResult {
  error?: GatewayError;
  upstreamStatus?: number;
}

function modelMapping(channel: Channel): Record<string, string> {
  try {
    const parsed = JSON.parse(channel.modelMapping || '{}') as unknown;
    return parsed && typeof parsed === 'object' && !Array.isArray(parsed)
      ? (parsed as Record<string, string>)
      : {};
  } catch {
    return {};
  }
}

function channelConfig(channel: Channel): Record<string, unknown> {
  try {
    const parsed = JSON.parse(channel.config || '{}') as unknown;
    return parsed && typeof parsed === 'object' ? (parsed as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}

/**
 * Channel tests as One API runs them: one small chat request through the channel's real upstream adapter, its
 * response time and test time stored on the channel, a test log written, and the auto-disable / auto-enable rules
 * applied.
 */
@Injectable()
export class ChannelTester {
  private readonly logger = new Logger('ChannelTest');

  constructor(
    @InjectRepository(Channel) private readonly channels: Repository<Channel>,
    private readonly upstream: UpstreamClient,
    private readonly health: ChannelHealthService,
    private readonly options: OptionsService,
    private readonly logs: LogsService,
    private readonly config: AppConfig,
  ) {}

  /** The model a test uses: the asked one if the channel serves it, else the channel's first model. */
  static testModel(channel: Channel, asked?: string): string {
    const models = splitCommaList(channel.models);
    if (asked && models.includes(asked)) return asked;
    return models[0] ?? DEFAULT_TEST_MODEL;
  }

  /** Tests one channel (GET /api/channel/test/:id, and the sweep jobs). */
  async test(channelId: number, askedModel?: string): Promise<ChannelTestResult | null> {
    const channel = await this.channels.findOneBy({ id: channelId });
    if (!channel) return null;
    const outcome = await this.run(channel, askedModel);
    await this.channels.update(
      { id: channel.id },
      { testTime: unixNow(), responseTime: Math.round(outcome.time * 1000) },
    );
    await this.logs.record({
      userId: 0,
      type: LogType.Test,
      content: outcome.success
        ? `Channel "${channel.name}" test passed, reply: ${outcome.message.slice(0, 200)}`
        : `Channel "${channel.name}" test failed, error: ${outcome.message.slice(0, 300)}`,
      modelName: outcome.modelName,
      channelId: channel.id,
      elapsedTime: Math.round(outcome.time * 1000),
    });
    await this.applyRules(channel, outcome);
    const { error: _e, upstreamStatus: _s, ...result } = outcome;
    return result;
  }

  private async applyRules(channel: Channel, outcome: TestOutcome): Promise<void> {
    const ref = { id: channel.id, type: channel.type, name: channel.name ?? '' };
    const thresholdSec = this.options.getNumber('ChannelDisableThreshold', 5);
    if (channel.status === ChannelStatus.Enabled) {
      if (!this.options.getBool('AutomaticDisableChannelEnabled')) return;
      if (outcome.error && shouldDisableChannel(failureFacts(outcome.error, outcome.upstreamStatus))) {
        await this.health.autoDisable(ref, outcome.message);
      } else if (outcome.success && thresholdSec > 0 && outcome.time > thresholdSec) {
        await this.health.autoDisable(
          ref,
          `response time ${outcome.time.toFixed(2)} s is over ChannelDisableThreshold (${thresholdSec} s)`,
        );
      }
    } else if (
      channel.status === ChannelStatus.AutoDisabled &&
      outcome.success &&
      this.options.getBool('AutomaticEnableChannelEnabled')
    ) {
      await this.health.autoEnable(ref);
    }
  }

  private async run(channel: Channel, askedModel?: string): Promise<TestOutcome> {
    const requested = ChannelTester.testModel(channel, askedModel);
    const model = modelMapping(channel)[requested] || requested;
    const started = performance.now();
    const elapsed = () => Math.round(performance.now() - started) / 1000;
    // by the model too: Vertex serves Claude and Gemini models through different publishers, Azure GPT-5 via Responses
    const adapter = adapterForChannel(channel.type, channelConfig(channel), model);
    if (!adapter)
      return {
        success: false,
        message: 'this channel type cannot be tested yet',
        time: 0,
        modelName: requested,
      };
    const request: CanonicalRequest = {
      model,
      system: [],
      messages: [{ role: 'user', content: [{ type: 'text', text: TEST_PROMPT }] }],
      sampling: {
        maxTokens: this.config.defaultMaxToken > 0 ? Math.min(this.config.defaultMaxToken, 256) : 256,
      },
      stream: false,
    };
    let upstreamStatus: number | undefined;
    try {
      const upstreamChannel = {
        type: channel.type,
        baseUrl: channel.baseUrl ?? '',
        key: channel.key ?? '',
        config: channelConfig(channel),
        other: channel.other ?? undefined,
      };
      const call = adapter.buildRequest(request, upstreamChannel);
      // Through the adapter's authorize / exchange hooks like a relayed call (SigV4 signing, token exchange).
      const response = await this.upstream.sendPlanned(
        {
          url: call.url,
          method: call.method,
          headers: call.headers,
          body: call.body,
          signal: AbortSignal.timeout(TEST_TIMEOUT_MS),
        },
        adapter,
        upstreamChannel,
      );
      upstreamStatus = response.statusCode;
      const text = await response.body.text();
      if (response.statusCode < 200 || response.statusCode >= 300) {
        throw adapter.parseError(response.statusCode, text, response.headers);
      }
      const parsed = adapter.parseResponse(JSON.parse(text) as unknown);
      const reply = parsed.content
        .filter((p) => p.type === 'text')
        .map((p) => (p as { text: string }).text)
        .join('');
      return { success: true, message: reply, time: elapsed(), modelName: requested };
    } catch (caught) {
      const error = isGatewayError(caught)
        ? caught
        : caught instanceof SyntaxError
          ? new GatewayError({ kind: 'upstream', message: 'the upstream answer is not valid JSON' })
          : fromTransportError(caught);
      this.logger.debug?.(`channel #${channel.id} test failed: ${error.message}`);
      return {
        success: false,
        message: error.message,
        time: elapsed(),
        modelName: requested,
        error,
        upstreamStatus,
      };
    }
  }
}
