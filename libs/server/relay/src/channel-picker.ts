/** A routing candidate: one enabled channel able to serve (group, model). */
export interface Candidate {
  channelId: number;
  priority: number;
  weight: number;
}

/**
 * Picks a channel: the highest priority tier that still has a candidate not excluded, then weighted random inside it
 * (all weights zero → uniform). Failed channels are excluded by the caller, so retries fall to lower tiers naturally.
 */
export function pickCandidate(
  candidates: readonly Candidate[],
  exclude: ReadonlySet<number>,
  random: () => number = Math.random,
): Candidate | undefined {
  let best = -Infinity;
  for (const c of candidates) if (!exclude.has(c.channelId) && c.priority > best) best = c.priority;
  if (best === -Infinity) return undefined;
  const tier = candidates.filter((c) => c.priority === best && !exclude.has(c.channelId));
  const total = tier.reduce((sum, c) => sum + Math.max(0, c.weight), 0);
  if (total <= 0) return tier[Math.floor(random() * tier.length)];
  let point = random() * total;
  for (const c of tier) {
    point -= Math.max(0, c.weight);
    if (point < 0) return c;
  }
  return tier[tier.length - 1];
}
