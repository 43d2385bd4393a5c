import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { EntityManager, In, Repository, SelectQueryBuilder } from 'typeorm';
import { ChannelDto, ChannelStatus } from '@one-api/contracts';
import { notFound, PageWindow, unixNow } from '@one-api/server-common';
import { modelConfigsText } from '@one-api/server-billing';
import { Ability, Channel, TransactionRunner } from '@one-api/server-db';
import { abilityRows, channelGroups, splitList } from './abilities';
import { configToText, splitKeys } from './channel-rules';
import { CreateChannelDto, UpdateChannelDto } from './channels.dto';

const ABILITY_INSERT_CHUNK = 200;
const DISABLED_STATUSES = [ChannelStatus.ManuallyDisabled, ChannelStatus.AutoDisabled];

const num = (v: unknown, fallback = 0) => (v === null || v === undefined || v === '' ? fallback : Number(v));
const str = (v: unknown) => (v === null || v === undefined ? '' : String(v));
/** base_url without surrounding blanks or trailing slashes (as One API's forms send it). */
const cleanBaseUrl = (v: string | null | undefined) => (v ?? '').trim().replace(/\/+$/, '');

/** A LIKE pattern matching values that start with `prefix` (wildcards escaped with "!"). */
export function likePrefix(prefix: string): string {
  return `${prefix.replace(/[!%_]/g, (c) => `!${c}`).toLowerCase()}%`;
}

/** Upstream channels and their abilities projection. Upstream keys never leave this service. */
@Injectable()
export class ChannelsService {
  private readonly publicColumns: string[];

  constructor(
    @InjectRepository(Channel) private readonly channels: Repository<Channel>,
    private readonly tx: TransactionRunner,
  ) {
    this.publicColumns = this.channels.metadata.columns
      .map((c) => c.propertyName)
      .filter((name) => name !== 'key');
  }

  toDto(channel: Channel): ChannelDto {
    return {
      id: num(channel.id),
      type: num(channel.type),
      status: num(channel.status, ChannelStatus.Enabled),
      name: str(channel.name),
      weight: num(channel.weight),
      created_time: num(channel.createdTime),
      test_time: num(channel.testTime),
      response_time: num(channel.responseTime),
      base_url: str(channel.baseUrl),
      other: str(channel.other),
      balance: num(channel.balance),
      balance_updated_time: num(channel.balanceUpdatedTime),
      models: str(channel.models),
      group: str(channel.group) || 'default',
      used_quota: num(channel.usedQuota),
      model_mapping: str(channel.modelMapping),
      priority: num(channel.priority),
      config: str(channel.config),
      system_prompt: str(channel.systemPrompt),
      model_configs: str(channel.modelConfigs),
    };
  }

  /** Channels without their `key` column. */
  private query(): SelectQueryBuilder<Channel> {
    return this.channels.createQueryBuilder('c').select(this.publicColumns.map((name) => `c.${name}`));
  }

  list(window: PageWindow): Promise<[Channel[], number]> {
    return this.query().orderBy('c.id', 'DESC').offset(window.skip).limit(window.size).getManyAndCount();
  }

  /** Channels whose id equals `keyword` or whose name starts with it (case-insensitive). */
  search(keyword: string, window: PageWindow): Promise<[Channel[], number]> {
    const trimmed = keyword.trim();
    const byName = `LOWER(c.name) LIKE :pattern ESCAPE '!'`;
    const id = /^\d{1,15}$/.test(trimmed) ? Number(trimmed) : undefined;
    return this.query()
      .where(id === undefined ? byName : `(c.id = :id OR ${byName})`, { id, pattern: likePrefix(keyword) })
      .orderBy('c.id', 'DESC')
      .offset(window.skip)
      .limit(window.size)
      .getManyAndCount();
  }

  async get(id: number): Promise<Channel> {
    const channel = await this.query().where('c.id = :id', { id }).getOne();
    if (!channel) throw notFound('Channel not found');
    return channel;
  }

  /** Creates one channel per non-empty line of `key` (one key-less channel when there is none); returns the ids. */
  async create(dto: CreateChannelDto): Promise<number[]> {
    const keys = splitKeys(dto.key);
    const base: Omit<Channel, 'id' | 'key'> = {
      type: dto.type,
      status: dto.status ?? ChannelStatus.Enabled,
      name: dto.name.trim(),
      weight: dto.weight ?? 0,
      createdTime: unixNow(),
      testTime: 0,
      responseTime: 0,
      baseUrl: cleanBaseUrl(dto.base_url),
      other: dto.other ?? '',
      balance: 0,
      balanceUpdatedTime: 0,
      models: splitList(dto.models).join(','),
      group: channelGroups(dto.group).join(','),
      usedQuota: 0,
      modelMapping: (dto.model_mapping ?? '').trim(),
      priority: dto.priority ?? 0,
      config: configToText(dto.config),
      systemPrompt: dto.system_prompt ?? '',
      modelConfigs: modelConfigsText(dto.model_configs),
    };
    return this.tx.run(async (manager) => {
      const ids: number[] = [];
      for (const key of keys.length ? keys : ['']) {
        const result = await manager.getRepository(Channel).insert({ ...base, key });
        const id = num(result.identifiers[0]?.id);
        ids.push(id);
        await this.insertAbilities(manager, { ...base, id });
      }
      return ids;
    });
  }

  /** Full update: given fields replace the stored ones; an empty or missing key keeps the stored key. */
  async update(dto: UpdateChannelDto): Promise<Channel> {
    const existing = await this.channels.findOneBy({ id: dto.id });
    if (!existing) throw notFound('Channel not found');
    const changes: Partial<Channel> = {
      type: dto.type ?? existing.type,
      status: dto.status ?? existing.status,
      name: dto.name !== undefined ? dto.name.trim() : existing.name,
      weight: dto.weight ?? existing.weight,
      baseUrl: dto.base_url !== undefined ? cleanBaseUrl(dto.base_url) : existing.baseUrl,
      other: dto.other !== undefined ? (dto.other ?? '') : existing.other,
      models: dto.models !== undefined ? splitList(dto.models).join(',') : existing.models,
      group: dto.group !== undefined ? channelGroups(dto.group).join(',') : existing.group,
      modelMapping:
        dto.model_mapping !== undefined ? (dto.model_mapping ?? '').trim() : existing.modelMapping,
      priority: dto.priority ?? existing.priority,
      config: dto.config !== undefined ? configToText(dto.config) : existing.config,
      systemPrompt: dto.system_prompt !== undefined ? (dto.system_prompt ?? '') : existing.systemPrompt,
      modelConfigs:
        dto.model_configs !== undefined ? modelConfigsText(dto.model_configs) : existing.modelConfigs,
    };
    const key = typeof dto.key === 'string' ? dto.key.trim() : '';
    if (key) changes.key = key;
    await this.tx.run(async (manager) => {
      // Updating the channel row first locks it (PostgreSQL/MySQL), so concurrent updates of one channel
      // rebuild its abilities one after the other.
      const result = await manager.update(Channel, { id: dto.id }, changes);
      if (!result.affected) throw notFound('Channel not found');
      const updated = await manager.findOneByOrFail(Channel, { id: dto.id });
      await manager.delete(Ability, { channelId: dto.id });
      await this.insertAbilities(manager, updated);
    });
    return this.get(dto.id);
  }

  /** Changes only the status; the channel's abilities follow with `enabled`. */
  async updateStatus(id: number, status: number): Promise<Channel> {
    await this.tx.run(async (manager) => {
      const result = await manager.update(Channel, { id }, { status });
      if (!result.affected) throw notFound('Channel not found');
      await manager.update(Ability, { channelId: id }, { enabled: status === ChannelStatus.Enabled });
    });
    return this.get(id);
  }

  async delete(id: number): Promise<void> {
    await this.tx.run(async (manager) => {
      const result = await manager.delete(Channel, { id });
      if (!result.affected) throw notFound('Channel not found');
      await manager.delete(Ability, { channelId: id });
    });
  }

  /** Deletes every manually or automatically disabled channel; returns how many. */
  deleteDisabled(): Promise<number> {
    return this.tx.run(async (manager) => {
      const rows = await manager.find(Channel, {
        select: { id: true },
        where: { status: In(DISABLED_STATUSES) },
      });
      let deleted = 0;
      for (let i = 0; i < rows.length; i += 500) {
        const ids = rows.slice(i, i + 500).map((r) => num(r.id));
        await manager.delete(Ability, { channelId: In(ids) });
        const result = await manager.delete(Channel, { id: In(ids) });
        deleted += result.affected ?? ids.length;
      }
      return deleted;
    });
  }

  private async insertAbilities(
    manager: EntityManager,
    channel: Pick<Channel, 'id' | 'models' | 'group' | 'status' | 'priority'>,
  ): Promise<void> {
    const rows = abilityRows({
      id: num(channel.id),
      models: channel.models,
      group: channel.group,
      status: num(channel.status),
      priority: channel.priority,
    });
    for (let i = 0; i < rows.length; i += ABILITY_INSERT_CHUNK) {
      await manager
        .createQueryBuilder()
        .insert()
        .into(Ability)
        .values(rows.slice(i, i + ABILITY_INSERT_CHUNK))
        .updateEntity(false)
        .execute();
    }
  }
}
