import { BlockList } from 'node:net';
import { Injectable, OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import { ChannelStatus } from '@one-api/contracts';
import { ChangeBus, splitCommaList } from '@one-api/server-common';
import { parseCidr } from '@one-api/server-tokens';
import { AppConfig } from '@one-api/server-config';
import { Ability, Channel, Token, User } from '@one-api/server-db';
import { Candidate } from './channel-picker';

export interface TokenView {
  id: number;
  userId: number;
  name: string;
  status: number;
  expiredTime: number;
  remainQuota: number;
  unlimitedQuota: boolean;
  /** allow-list of models; null = every model */
  models: ReadonlySet<string> | null;
  /** allowed client networks; null = anywhere */
  subnets: BlockList | null;
}

export interface UserView {
  id: number;
  username: string;
  status: number;
  role: number;
  group: string;
}

interface RoutingSnapshot {
  channels: ReadonlyMap<number, Channel>;
  /** group → model → candidates (enabled abilities of enabled channels) */
  routes: ReadonlyMap<string, ReadonlyMap<string, Candidate[]>>;
}

interface Cached<T> {
  value: T | null;
  at: number;
}

/** The key's subnet allow-list, parsed once per cache fill (the hot path only calls BlockList.check). */
function toSubnets(subnet: string | null): BlockList | null {
  const blocks = splitCommaList(subnet)
    .map(parseCidr)
    .filter((c) => c !== null);
  if (blocks.length === 0) return null;
  const list = new BlockList();
  for (const block of blocks) list.addSubnet(block.address, block.prefix, block.family);
  return list;
}

function toModelSet(models: string | null): ReadonlySet<string> | null {
  const list = splitCommaList(models);
  return list.length > 0 ? new Set(list) : null;
}

/**
 * The relay's in-memory view of keys, users, channels and abilities: the hot path reads no table. Writers publish
 * on the ChangeBus and the affected entries are dropped at once; everything is re-read every SYNC_FREQUENCY seconds
 * as a safety net for writes made elsewhere.
 */
@Injectable()
export class RelayDirectory implements OnModuleInit, OnModuleDestroy {
  private snapshot: RoutingSnapshot = { channels: new Map(), routes: new Map() };
  private routingDirty = true;
  private loading?: Promise<void>;
  private readonly tokens = new Map<string, Cached<TokenView>>();
  private readonly users = new Map<number, Cached<UserView>>();
  private readonly ttlMs: number;
  private timer?: NodeJS.Timeout;
  private readonly unsubscribe: Array<() => void> = [];

  constructor(
    config: AppConfig,
    private readonly bus: ChangeBus,
    @InjectRepository(Channel) private readonly channelRepo: Repository<Channel>,
    @InjectRepository(Ability) private readonly abilityRepo: Repository<Ability>,
    @InjectRepository(Token) private readonly tokenRepo: Repository<Token>,
    @InjectRepository(User) private readonly userRepo: Repository<User>,
  ) {
    this.ttlMs = config.memoryCacheEnabled ? config.syncFrequency * 1000 : 0;
    this.timer = setInterval(() => this.invalidateAll(), Math.max(1, config.syncFrequency) * 1000);
    this.timer.unref();
  }

  onModuleInit(): void {
    this.unsubscribe.push(
      this.bus.subscribe('channels', () => (this.routingDirty = true)),
      this.bus.subscribe('tokens', (e) => (e.ids ? this.dropTokens(e.ids) : this.tokens.clear())),
      this.bus.subscribe('users', (e) => {
        if (!e.ids) this.users.clear();
        else for (const id of e.ids) this.users.delete(Number(id));
        // A user's change (disable, group) also changes what their keys may do.
        this.routingDirty = true;
      }),
    );
  }

  onModuleDestroy(): void {
    if (this.timer) clearInterval(this.timer);
    this.unsubscribe.forEach((u) => u());
  }

  invalidateAll(): void {
    this.routingDirty = true;
    this.tokens.clear();
    this.users.clear();
  }

  private dropTokens(ids: Array<number | string>): void {
    const wanted = new Set(ids.map(String));
    for (const [key, entry] of this.tokens) {
      if (wanted.has(key) || (entry.value && wanted.has(String(entry.value.id))) || entry.value === null)
        this.tokens.delete(key);
    }
  }

  private fresh<T>(entry: Cached<T> | undefined): entry is Cached<T> {
    return !!entry && Date.now() - entry.at < this.ttlMs;
  }

  async tokenByKey(key: string): Promise<TokenView | null> {
    const cached = this.tokens.get(key);
    if (this.fresh(cached)) return cached.value;
    const row = await this.tokenRepo.findOneBy({ key });
    const value: TokenView | null = row
      ? {
          id: row.id,
          userId: row.userId,
          name: row.name ?? '',
          status: row.status,
          expiredTime: row.expiredTime,
          remainQuota: row.remainQuota,
          unlimitedQuota: !!row.unlimitedQuota,
          models: toModelSet(row.models),
          subnets: toSubnets(row.subnet),
        }
      : null;
    if (this.ttlMs > 0) this.tokens.set(key, { value, at: Date.now() });
    return value;
  }

  async userById(id: number): Promise<UserView | null> {
    const cached = this.users.get(id);
    if (this.fresh(cached)) return cached.value;
    const row = await this.userRepo.findOneBy({ id });
    const value: UserView | null = row
      ? {
          id: row.id,
          username: row.username,
          status: row.status,
          role: row.role,
          group: row.group || 'default',
        }
      : null;
    if (this.ttlMs > 0) this.users.set(id, { value, at: Date.now() });
    return value;
  }

  /** Drops a token from memory after the relay learned it is exhausted (its quota moved in the database). */
  forgetToken(key: string): void {
    this.tokens.delete(key);
  }

  async routing(): Promise<RoutingSnapshot> {
    if (this.routingDirty || this.ttlMs === 0) {
      this.loading ??= this.reloadRouting().finally(() => (this.loading = undefined));
    }
    // Requests arriving while a reload runs wait for it too (on a cold replica the old snapshot is empty).
    if (this.loading) await this.loading;
    return this.snapshot;
  }

  private async reloadRouting(): Promise<void> {
    this.routingDirty = false;
    const [channels, abilities] = await Promise.all([
      this.channelRepo.find(),
      this.abilityRepo.findBy({ enabled: true }),
    ]);
    const byId = new Map(channels.map((c) => [c.id, c]));
    const routes = new Map<string, Map<string, Candidate[]>>();
    for (const ability of abilities) {
      const channel = byId.get(Number(ability.channelId));
      if (!channel || channel.status !== ChannelStatus.Enabled) continue;
      let models = routes.get(ability.group);
      if (!models) routes.set(ability.group, (models = new Map()));
      let list = models.get(ability.model);
      if (!list) models.set(ability.model, (list = []));
      list.push({
        channelId: channel.id,
        priority: Number(ability.priority ?? 0),
        weight: Number(channel.weight ?? 0),
      });
    }
    this.snapshot = { channels: byId, routes };
  }

  async candidates(group: string, model: string): Promise<Candidate[]> {
    return (await this.routing()).routes.get(group)?.get(model) ?? [];
  }

  async channel(id: number): Promise<Channel | undefined> {
    return (await this.routing()).channels.get(id);
  }

  /** Every channel a group can reach, highest priority first (for calls that name no model). */
  async channelsOfGroup(group: string): Promise<Channel[]> {
    const snapshot = await this.routing();
    const best = new Map<number, number>();
    for (const list of snapshot.routes.get(group)?.values() ?? []) {
      for (const c of list) best.set(c.channelId, Math.max(best.get(c.channelId) ?? -Infinity, c.priority));
    }
    return [...best.entries()]
      .sort((a, b) => b[1] - a[1])
      .map(([id]) => snapshot.channels.get(id))
      .filter((c): c is Channel => c !== undefined);
  }

  /** Models a group can reach (for /v1/models). */
  async modelsOfGroup(group: string): Promise<string[]> {
    return [...((await this.routing()).routes.get(group)?.keys() ?? [])].sort();
  }
}
