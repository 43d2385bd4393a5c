import { Injectable, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import { AppConfig } from '@one-api/server-config';
import { OptionRow } from '@one-api/server-db';
import { OPTION_DEFAULTS } from './option-defaults';

type Listener = (key: string, value: string) => void;

/**
 * Runtime settings kept in memory (the hot path never reads the options table). Defaults come from
 * OPTION_DEFAULTS plus what other modules register (e.g. model ratios); saved rows override them and
 * are re-read every SYNC_FREQUENCY seconds so replicas converge.
 */
@Injectable()
export class OptionsService implements OnModuleInit, OnApplicationShutdown {
  private readonly defaults = new Map<string, string>(Object.entries(OPTION_DEFAULTS));
  private readonly saved = new Map<string, string>();
  private readonly listeners: Listener[] = [];
  private timer?: NodeJS.Timeout;

  constructor(
    @InjectRepository(OptionRow) private readonly rows: Repository<OptionRow>,
    private readonly config: AppConfig,
  ) {}

  async onModuleInit(): Promise<void> {
    await this.reload();
    this.timer = setInterval(
      () => void this.reload().catch(() => undefined),
      this.config.syncFrequency * 1000,
    );
    this.timer.unref();
  }

  onApplicationShutdown(): void {
    if (this.timer) clearInterval(this.timer);
  }

  /** Another module contributes the default of an option it owns (shown by GET /api/option until saved). */
  registerDefault(key: string, value: string): void {
    this.defaults.set(key, value);
  }

  onChange(listener: Listener): void {
    this.listeners.push(listener);
  }

  async reload(): Promise<void> {
    const rows = await this.rows.find();
    const before = new Map(this.saved);
    this.saved.clear();
    for (const row of rows) this.saved.set(row.key, row.value ?? '');
    for (const [key, value] of this.saved) if (before.get(key) !== value) this.emit(key, value);
  }

  /** The built-in or registered default of a key (undefined for keys that only exist as saved rows). */
  defaultOf(key: string): string | undefined {
    return this.defaults.get(key);
  }

  has(key: string): boolean {
    return this.saved.has(key) || this.defaults.has(key);
  }

  get(key: string): string {
    return this.saved.get(key) ?? this.defaults.get(key) ?? '';
  }

  getBool(key: string): boolean {
    return this.get(key) === 'true';
  }

  getNumber(key: string, fallback = 0): number {
    const n = Number(this.get(key));
    return Number.isFinite(n) ? n : fallback;
  }

  getJson<T>(key: string, fallback: T): T {
    try {
      return JSON.parse(this.get(key)) as T;
    } catch {
      return fallback;
    }
  }

  /** Every known option with its effective value. */
  all(): Array<{ key: string; value: string }> {
    const keys = new Set([...this.defaults.keys(), ...this.saved.keys()]);
    return [...keys].sort().map((key) => ({ key, value: this.get(key) }));
  }

  async set(key: string, value: string): Promise<void> {
    await this.rows.upsert({ key, value }, ['key']);
    this.saved.set(key, value);
    this.emit(key, value);
  }

  private emit(key: string, value: string): void {
    for (const listener of this.listeners) listener(key, value);
  }
}
