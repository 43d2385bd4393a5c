import { checkMoneyInvariants, InitialQuota } from './invariants';
import { runChaosLoad } from './load';
import { chaosFigures, formatFigures } from './report';

const USAGE = `usage: node tools/chaos/dist/main.js --gateway URL [--gateway URL …] --key sk-… [--key …] --model NAME [--model …]
  --fault-control URL    fake provider base URL whose /_fake/fault queues faults (e.g. the fake of a channel)
  [--requests 500] [--concurrency 16] [--stream-ratio 0.5] [--disconnect-ratio 0.05] [--fault-ratio 0.2] [--seed 1]
  [--dsn postgres://… --initial FILE.json]   check the money invariants afterwards (FILE: {"tokens":[…],"users":[…]})`;

function parse(argv: string[]): Map<string, string[]> {
  const args = new Map<string, string[]>();
  for (let i = 0; i < argv.length; i++) {
    const name = argv[i];
    if (!name.startsWith('--') || i + 1 >= argv.length) throw new Error(`unexpected argument ${name}`);
    args.set(name.slice(2), [...(args.get(name.slice(2)) ?? []), argv[++i]]);
  }
  return args;
}

/** The chaos load against running gateways; prints the figures, exit 1 on a money violation. */
export async function runCli(argv: string[]): Promise<number> {
  let args: Map<string, string[]>;
  try {
    args = parse(argv);
  } catch (e) {
    process.stderr.write(`${(e as Error).message}\n${USAGE}\n`);
    return 2;
  }
  const one = (name: string, fallback: string) => args.get(name)?.[0] ?? fallback;
  const gateways = args.get('gateway') ?? [];
  const keys = args.get('key') ?? [];
  const control = args.get('fault-control')?.[0];
  const models = args.get('model') ?? [];
  if (gateways.length === 0 || keys.length === 0 || models.length === 0) {
    process.stderr.write(`${USAGE}\n`);
    return 2;
  }
  const load = await runChaosLoad({
    gateways,
    keys: keys.map((key, i) => ({ key, label: `key${i + 1}` })),
    models,
    requests: Number(one('requests', '500')),
    concurrency: Number(one('concurrency', '16')),
    streamRatio: Number(one('stream-ratio', '0.5')),
    disconnectRatio: Number(one('disconnect-ratio', '0.05')),
    faultRatio: control ? Number(one('fault-ratio', '0.2')) : 0,
    seed: Number(one('seed', '1')),
    injectFault: async (spec) => {
      await fetch(`${control}/_fake/fault`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ fault: spec, count: 1 }),
      });
    },
  });
  let money;
  const dsn = args.get('dsn')?.[0];
  if (dsn) {
    const { readFileSync } = await import('node:fs');
    const { Client } = await import('pg');
    const initial = JSON.parse(readFileSync(one('initial', 'initial.json'), 'utf8')) as InitialQuota;
    const client = new Client({ connectionString: dsn });
    await client.connect();
    try {
      money = await checkMoneyInvariants(
        async (sql, params) => (await client.query(sql, params)).rows,
        initial,
      );
    } finally {
      await client.end();
    }
  }
  const figures = chaosFigures(load, 0, money);
  process.stdout.write(`${formatFigures(figures)}\n`);
  for (const v of money?.violations ?? []) process.stdout.write(`violation: ${v}\n`);
  return money && money.violations.length > 0 ? 1 : 0;
}
