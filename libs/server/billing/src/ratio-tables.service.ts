import { Injectable, OnModuleInit } from '@nestjs/common';
import { OptionsService } from '@one-api/server-options';
import {
  defaultCompletionRatios,
  defaultModelRatios,
  ModelPrice,
  RatioTables,
  resolveGroupRatio,
  resolveModelPrice,
} from './pricing';
import { applyModelConfig, ChannelModelConfigs, readModelConfigs } from './model-configs';

const RATIO_OPTIONS = [
  'ModelRatio',
  'CompletionRatio',
  'GroupRatio',
  'CachedInputRatio',
  'CacheWrite5mRatio',
  'CacheWrite1hRatio',
] as const;

/** What pricing needs of a channel: its type (for "model(type)" ratios) and its own per-model prices. */
export interface PricedChannel {
  type: number;
  modelConfigs?: string | null;
}

/**
 * Ratio tables from the ModelRatio / CompletionRatio / GroupRatio options, parsed once per change. Saved tables are
 * merged over the built-in defaults (as One API does), so a model missing from an admin's table keeps its price.
 */
@Injectable()
export class RatioTablesService implements OnModuleInit {
  private tables!: RatioTables;
  private readonly defaults = {
    modelRatio: defaultModelRatios(),
    completionRatio: defaultCompletionRatios(),
  };

  constructor(private readonly options: OptionsService) {}

  onModuleInit(): void {
    this.options.registerDefault('ModelRatio', JSON.stringify(this.defaults.modelRatio));
    this.options.registerDefault('CompletionRatio', JSON.stringify(this.defaults.completionRatio));
    this.rebuild();
    this.options.onChange((key) => {
      if ((RATIO_OPTIONS as readonly string[]).includes(key)) this.rebuild();
    });
  }

  private rebuild(): void {
    this.tables = {
      modelRatio: { ...this.defaults.modelRatio, ...numbers(this.options.getJson('ModelRatio', {})) },
      completionRatio: {
        ...this.defaults.completionRatio,
        ...numbers(this.options.getJson('CompletionRatio', {})),
      },
      groupRatio: numbers(this.options.getJson('GroupRatio', { default: 1 })),
      // Cache prices may be negative (free), so they are read without the non-negative filter.
      cachedInputRatio: finite(this.options.getJson('CachedInputRatio', {})),
      cacheWrite5mRatio: finite(this.options.getJson('CacheWrite5mRatio', {})),
      cacheWrite1hRatio: finite(this.options.getJson('CacheWrite1hRatio', {})),
    };
  }

  price(model: string, channelType?: number): ModelPrice {
    return resolveModelPrice(this.tables, model, channelType);
  }

  /**
   * The price of a model on one channel: the channel's model_configs entry for the upstream model (or the model the
   * caller asked for) over the global price. Parsed configs are kept per channel object, and the relay directory
   * caches channel objects, so pricing a request reads no database.
   */
  priceOnChannel(model: string, channel: PricedChannel, originModel?: string): ModelPrice {
    const configs = this.channelConfigs(channel);
    const config = configs[model] ?? (originModel !== undefined ? configs[originModel] : undefined);
    return applyModelConfig(this.price(model, channel.type), model, config);
  }

  private readonly parsedConfigs = new WeakMap<
    PricedChannel,
    { raw: string; configs: ChannelModelConfigs }
  >();

  private channelConfigs(channel: PricedChannel): ChannelModelConfigs {
    const raw = channel.modelConfigs ?? '';
    if (!raw) return {};
    const cached = this.parsedConfigs.get(channel);
    if (cached && cached.raw === raw) return cached.configs;
    const configs = readModelConfigs(raw);
    this.parsedConfigs.set(channel, { raw, configs });
    return configs;
  }

  groupRatio(group: string): number {
    return resolveGroupRatio(this.tables, group);
  }
}

function finite(value: unknown): Record<string, number> {
  if (!value || typeof value !== 'object' || Array.isArray(value)) return {};
  return Object.fromEntries(
    Object.entries(value as Record<string, unknown>).filter(
      (e): e is [string, number] => typeof e[1] === 'number' && Number.isFinite(e[1]),
    ),
  );
}

function numbers(value: unknown): Record<string, number> {
  if (!value || typeof value !== 'object' || Array.isArray(value)) return {};
  return Object.fromEntries(
    Object.entries(value as Record<string, unknown>).filter(
      (e): e is [string, number] => typeof e[1] === 'number' && Number.isFinite(e[1]) && e[1] >= 0,
    ),
  );
}
