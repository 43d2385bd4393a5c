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

const RATIO_OPTIONS = ['ModelRatio', 'CompletionRatio', 'GroupRatio'] as const;

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
    };
  }

  price(model: string, channelType?: number): ModelPrice {
    return resolveModelPrice(this.tables, model, channelType);
  }

  groupRatio(group: string): number {
    return resolveGroupRatio(this.tables, group);
  }
}

function numbers(value: unknown): Record<string, number> {
  if (!value || typeof value !== 'object' || Array.isArray(value)) return {};
  return Object.fromEntries(
    Object.entries(value as Record<string, unknown>).filter(
      (e): e is [string, number] => typeof e[1] === 'number' && Number.isFinite(e[1]) && e[1] >= 0,
    ),
  );
}
