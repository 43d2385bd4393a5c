import { splitCommaList } from '@one-api/server-common';
import { ChannelStatus } from '@one-api/contracts';

/** One row of the `abilities` table (entity property names). */
export interface AbilityRow {
  group: string;
  model: string;
  channelId: number;
  enabled: boolean;
  priority: number;
}

/** The channel fields the abilities projection depends on. */
export interface AbilitySource {
  id: number;
  models: string | null | undefined;
  group: string | null | undefined;
  status: number;
  priority: number | null | undefined;
}

/** Splits a comma list (trimmed, no empties, no duplicates). */
export const splitList = splitCommaList;

/** A channel's groups; a channel without any group belongs to "default". */
export function channelGroups(group: string | null | undefined): string[] {
  const groups = splitList(group);
  return groups.length ? groups : ['default'];
}

/**
 * The routing projection of one channel: one row per (group × model) after trimming and de-duplicating both
 * comma lists; enabled only while the channel is enabled; priority copied from the channel.
 */
export function abilityRows(channel: AbilitySource): AbilityRow[] {
  const models = splitList(channel.models);
  const enabled = Number(channel.status) === ChannelStatus.Enabled;
  const priority = Number(channel.priority ?? 0) || 0;
  const rows: AbilityRow[] = [];
  for (const group of channelGroups(channel.group)) {
    for (const model of models) rows.push({ group, model, channelId: channel.id, enabled, priority });
  }
  return rows;
}
