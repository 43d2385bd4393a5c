import { parseArgs } from 'node:util';
import { migrateDatabase, MigrateReport, TargetNotEmptyError } from './migrate';

export const USAGE = `Usage: npm run db:migrate -- --from <dsn> --to <dsn> [options]
       (in the Docker image: node tools/db-migrate/dist/main.js --from <dsn> --to <dsn>)

Copies every table of a One API / gateway database to another database, in batches, then verifies row counts and
checksums. Stop the gateway (or point it at the source read-only) while it runs.

DSNs (the same forms as SQL_DSN):
  sqlite:/data/one-api.db  or a path ending in .db / .sqlite
  postgres://user:pass@host:5432/oneapi
  mysql://user:pass@host:3306/oneapi  or One API's  user:pass@tcp(host:3306)/oneapi

Options:
  --from <dsn>         source database (opened read-only)
  --to <dsn>           target database (created at the source's schema level if empty)
  --batch-size <n>     rows per batch and transaction (default 1000)
  --force              delete the rows of a non-empty target first (refused otherwise)
  --verify-only        only compare row counts and checksums of the two databases
  -h, --help           this text

Resuming: an interrupted run leaves a db_migrate_progress table in the target; run the same command again and it
continues after the last committed batch. Exit status: 0 copied and verified, 1 failed or mismatched, 2 bad usage,
3 target not empty.`;

export interface CliIo {
  out: (line: string) => void;
  err: (line: string) => void;
}

const defaultIo: CliIo = {
  out: (line) => process.stdout.write(`${line}\n`),
  err: (line) => process.stderr.write(`${line}\n`),
};

function printReport(report: MigrateReport, io: CliIo): void {
  const width = Math.max(5, ...report.tables.map((t) => t.table.length));
  io.out(
    `${'table'.padEnd(width)}  ${'source'.padStart(10)}  ${'target'.padStart(10)}  checksum          result`,
  );
  for (const t of report.tables) {
    io.out(
      `${t.table.padEnd(width)}  ${String(t.sourceRows).padStart(10)}  ${String(t.targetRows).padStart(10)}  ${t.targetChecksum.slice(0, 16)}  ${t.ok ? 'ok' : `MISMATCH (source ${t.sourceChecksum.slice(0, 16)})`}`,
    );
  }
  io.out(report.ok ? `verified: ${report.tables.length} tables identical` : 'verification FAILED');
}

/** The command line: returns the exit status instead of exiting, so it can be tested in process. */
export async function runCli(argv: string[], io: CliIo = defaultIo): Promise<number> {
  let values: Record<string, string | boolean | undefined>;
  try {
    ({ values } = parseArgs({
      args: argv,
      options: {
        from: { type: 'string' },
        to: { type: 'string' },
        'batch-size': { type: 'string' },
        force: { type: 'boolean' },
        'verify-only': { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
      },
      strict: true,
      allowPositionals: false,
    }));
  } catch (error) {
    io.err(`${(error as Error).message}\n\n${USAGE}`);
    return 2;
  }
  if (values.help) {
    io.out(USAGE);
    return 0;
  }
  const batch = values['batch-size'] === undefined ? 1000 : Number(values['batch-size']);
  if (!values.from || !values.to || !Number.isInteger(batch) || batch < 1) {
    io.err(
      `${!values.from || !values.to ? '--from and --to are required' : '--batch-size must be a positive integer'}\n\n${USAGE}`,
    );
    return 2;
  }
  try {
    const report = await migrateDatabase({
      from: String(values.from),
      to: String(values.to),
      batchSize: batch,
      force: !!values.force,
      verifyOnly: !!values['verify-only'],
      log: (line) => io.err(`[db-migrate] ${line}`),
    });
    printReport(report, io);
    return report.ok ? 0 : 1;
  } catch (error) {
    io.err(`[db-migrate] ${(error as Error).message}`);
    return error instanceof TargetNotEmptyError ? 3 : 1;
  }
}
