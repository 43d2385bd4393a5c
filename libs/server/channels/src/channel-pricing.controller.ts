import { Body, Controller, Get, Param, ParseIntPipe, Put, Query } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import { BUILT_IN_MODELS } from '@one-api/contracts';
import { AdminAuth } from '@one-api/server-auth';
import {
  ChannelModelConfig,
  MODEL_PRICES_USD_PER_1M,
  priceAsModelConfig,
  RatioTablesService,
  validateModelConfigs,
} from '@one-api/server-billing';
import { badRequest, notFound, ok } from '@one-api/server-common';
import { Channel } from '@one-api/server-db';
import { splitList } from './abilities';

const idPipe = new ParseIntPipe({ exceptionFactory: () => badRequest('id must be an integer') });

/**
 * The fork's per-channel pricing editor (admins): a channel's `model_configs` (its own prices per model) and the
 * prices its models get without one. A PUT publishes a channel change (ChangePublishingInterceptor), so the relay
 * directory re-reads the channel and requests are priced with the new values from then on.
 */
@Controller('api/channel')
@AdminAuth()
export class ChannelPricingController {
  constructor(
    @InjectRepository(Channel) private readonly channels: Repository<Channel>,
    private readonly ratios: RatioTablesService,
  ) {}

  /** Global prices as model_configs entries: `?type=` a channel type's built-in models, `?models=a,b`, or all. */
  @Get('default-pricing')
  defaultPricing(@Query('type') type?: string, @Query('models') models?: string) {
    let names: string[];
    if (models) names = splitList(models);
    else if (type !== undefined && type !== '') {
      const t = Number(type);
      if (!Number.isInteger(t)) throw badRequest('type must be an integer');
      names = BUILT_IN_MODELS[t] ?? [];
    } else names = Object.keys(MODEL_PRICES_USD_PER_1M);
    const channelType = type !== undefined && type !== '' ? Number(type) : undefined;
    return ok({ model_configs: this.defaults(names, channelType) });
  }

  @Get('pricing/:id')
  async get(@Param('id', idPipe) id: number) {
    return ok(this.view(await this.find(id)));
  }

  /** Body `{model_configs: {...}}` (object or JSON string); `{}` or null clears the channel's own prices. */
  @Put('pricing/:id')
  async put(@Param('id', idPipe) id: number, @Body() body: unknown) {
    const channel = await this.find(id);
    const value = isObject(body) ? body.model_configs : undefined;
    if (value === undefined) throw badRequest('model_configs is required');
    const { configs, errors } = validateModelConfigs(value);
    if (errors.length) throw badRequest(`invalid model_configs: ${errors.join('; ')}`);
    const text = Object.keys(configs).length ? JSON.stringify(configs) : '';
    await this.channels.update({ id }, { modelConfigs: text });
    return ok(this.view({ ...channel, modelConfigs: text }));
  }

  private async find(id: number): Promise<Channel> {
    const channel = await this.channels.findOne({
      where: { id },
      select: { id: true, type: true, name: true, models: true, modelConfigs: true },
    });
    if (!channel) throw notFound('Channel not found');
    return channel;
  }

  /** The stored configs and, for each model the channel serves (or prices), the price in force there. */
  private view(channel: Channel) {
    const { configs } = validateModelConfigs(channel.modelConfigs ?? '');
    const models = [...new Set([...splitList(channel.models ?? ''), ...Object.keys(configs)])];
    const effective: Record<string, ChannelModelConfig> = {};
    for (const model of models)
      effective[model] = priceAsModelConfig(this.ratios.priceOnChannel(model, channel));
    return {
      id: channel.id,
      name: channel.name ?? '',
      type: channel.type,
      model_configs: configs,
      effective_pricing: effective,
      default_pricing: this.defaults(models, channel.type),
    };
  }

  private defaults(models: string[], channelType?: number): Record<string, ChannelModelConfig> {
    return Object.fromEntries(
      models.map((m) => [m, priceAsModelConfig(this.ratios.price(m, channelType))] as const),
    );
  }
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
