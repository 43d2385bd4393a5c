import type { MoneyReport } from './invariants';
import { ChaosLoadReport, outcomeCounts } from './load';

export interface ChaosFigures {
  requests: number;
  streamed: number;
  faultsInjected: number;
  faultsByKind: Record<string, number>;
  disconnects: number;
  outcomes: ReturnType<typeof outcomeCounts>;
  /** ok / (requests − client disconnects − requests lost to a deliberate gateway kill) */
  successRate: number;
  /** as above, also leaving out streams the upstream cut after bytes had reached the client (no failover possible) */
  successRateRecoverable: number;
  elapsedMs: number;
  money?: MoneyReport;
}

/**
 * The figures of a run. Requests that failed because their gateway process was killed on purpose, or because the
 * client hung up on purpose, are not counted against failover; `excludedByKill` says how many those were.
 */
export function chaosFigures(load: ChaosLoadReport, excludedByKill = 0, money?: MoneyReport): ChaosFigures {
  const outcomes = outcomeCounts(load.results);
  const eligible = load.results.length - outcomes['client-disconnect'] - excludedByKill;
  const recoverable = eligible - outcomes['stream-interrupted'];
  return {
    requests: load.results.length,
    streamed: load.results.filter((r) => r.stream).length,
    faultsInjected: Object.values(load.faultsQueued).reduce((a, b) => a + b, 0),
    faultsByKind: load.faultsQueued,
    disconnects: load.disconnects,
    outcomes,
    successRate: eligible > 0 ? outcomes.ok / eligible : 1,
    successRateRecoverable: recoverable > 0 ? outcomes.ok / recoverable : 1,
    elapsedMs: load.elapsedMs,
    money,
  };
}

export function formatFigures(f: ChaosFigures): string {
  const pct = (x: number) => `${(x * 100).toFixed(2)}%`;
  const lines = [
    `chaos: ${f.requests} requests (${f.streamed} streamed) in ${(f.elapsedMs / 1000).toFixed(1)} s`,
    `chaos: ${f.faultsInjected} upstream faults injected ${JSON.stringify(f.faultsByKind)}, ${f.disconnects} client disconnects`,
    `chaos: outcomes ${JSON.stringify(f.outcomes)}`,
    `chaos: success ${pct(f.successRate)} of eligible requests, ${pct(f.successRateRecoverable)} leaving out streams cut after their first bytes`,
  ];
  if (f.money)
    lines.push(
      `chaos: money checked for ${f.money.tokensChecked} keys and ${f.money.usersChecked} users: ${f.money.consumeLogs} consume logs, ${f.money.billedTotal} quota billed, ${f.money.holdsLeft} holds left, ${f.money.violations.length} violations`,
    );
  return lines.join('\n');
}
