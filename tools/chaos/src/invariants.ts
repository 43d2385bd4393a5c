/** Runs SQL against the gateway's database and returns rows (PostgreSQL placeholders: $1, $2, …). */
export type Query = (sql: string, params?: unknown[]) => Promise<Array<Record<string, unknown>>>;

export interface InitialQuota {
  tokens: Array<{ id: number; remainQuota: number; unlimited: boolean }>;
  users: Array<{ id: number; quota: number }>;
}

export interface MoneyReport {
  tokensChecked: number;
  usersChecked: number;
  consumeLogs: number;
  billedTotal: number;
  holdsLeft: number;
  violations: string[];
}

const n = (v: unknown) => Number(v ?? 0);

/**
 * The money invariants after a chaos run, checked with SQL on the database both gateways share:
 * - for every key and user, the sum of its consume logs' quota equals its used_quota;
 * - remaining + used = initial for every limited key and every user (nothing created, nothing lost);
 * - no request id has two consume logs (nobody billed twice), every cost row has its log (nothing settled
 *   without a log), and no quota hold is left over (every hold was settled or reconciled).
 */
export async function checkMoneyInvariants(query: Query, initial: InitialQuota): Promise<MoneyReport> {
  const violations: string[] = [];
  const logsByToken = new Map<number, number>();
  for (const r of await query(
    'SELECT token_id, COALESCE(SUM(quota), 0) AS q FROM logs WHERE type = 2 GROUP BY token_id',
  ))
    logsByToken.set(n(r.token_id), n(r.q));
  const logsByUser = new Map<number, number>();
  for (const r of await query(
    'SELECT user_id, COALESCE(SUM(quota), 0) AS q FROM logs WHERE type = 2 GROUP BY user_id',
  ))
    logsByUser.set(n(r.user_id), n(r.q));

  for (const t of initial.tokens) {
    const [row] = await query('SELECT remain_quota, used_quota FROM tokens WHERE id = $1', [t.id]);
    const used = n(row?.used_quota);
    const logged = logsByToken.get(t.id) ?? 0;
    if (logged !== used)
      violations.push(`key #${t.id}: consume logs sum to ${logged} but used_quota is ${used}`);
    if (!t.unlimited && n(row?.remain_quota) + used !== t.remainQuota)
      violations.push(
        `key #${t.id}: remaining ${n(row?.remain_quota)} + used ${used} = ${n(row?.remain_quota) + used}, initial was ${t.remainQuota}`,
      );
  }
  for (const u of initial.users) {
    const [row] = await query('SELECT quota, used_quota FROM users WHERE id = $1', [u.id]);
    const used = n(row?.used_quota);
    const logged = logsByUser.get(u.id) ?? 0;
    if (logged !== used)
      violations.push(`user #${u.id}: consume logs sum to ${logged} but used_quota is ${used}`);
    if (n(row?.quota) + used !== u.quota)
      violations.push(`user #${u.id}: remaining ${n(row?.quota)} + used ${used} != initial ${u.quota}`);
  }
  for (const r of await query(
    `SELECT request_id, COUNT(*) AS c FROM logs WHERE type = 2 GROUP BY request_id HAVING COUNT(*) > 1`,
  ))
    violations.push(`request ${String(r.request_id)} has ${n(r.c)} consume logs (billed twice)`);
  for (const r of await query(
    `SELECT c.request_id FROM user_request_costs c LEFT JOIN logs l ON l.request_id = c.request_id AND l.type = 2
     WHERE l.id IS NULL`,
  ))
    violations.push(`request ${String(r.request_id)} was settled without a consume log`);
  const [holds] = await query('SELECT COUNT(*) AS c FROM quota_holds WHERE refunded = 0');
  if (n(holds?.c) > 0) violations.push(`${n(holds?.c)} quota holds were never settled nor refunded`);
  const [totals] = await query('SELECT COUNT(*) AS c, COALESCE(SUM(quota), 0) AS q FROM logs WHERE type = 2');
  return {
    tokensChecked: initial.tokens.length,
    usersChecked: initial.users.length,
    consumeLogs: n(totals?.c),
    billedTotal: n(totals?.q),
    holdsLeft: n(holds?.c),
    violations,
  };
}
