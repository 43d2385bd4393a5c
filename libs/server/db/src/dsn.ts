/** What SQL_DSN / SQLITE_PATH resolve to. */
export type DatabaseTarget =
  | { type: 'sqlite'; path: string }
  | { type: 'postgres'; url: string }
  | {
      type: 'mysql';
      host: string;
      port: number;
      user: string;
      password: string;
      database: string;
      params: Record<string, string>;
    };

function parseGoMysqlDsn(dsn: string): DatabaseTarget {
  // Go driver form: [user[:password]@][net[(addr)]]/dbname[?params]; the password may hold '@' or '/'.
  const queryAt = dsn.indexOf('?', dsn.lastIndexOf('/'));
  const main = queryAt >= 0 ? dsn.slice(0, queryAt) : dsn;
  const query = queryAt >= 0 ? dsn.slice(queryAt + 1) : '';
  const slash = main.lastIndexOf('/');
  if (slash < 0) throw new Error('SQL_DSN: MySQL DSN must look like user:pass@tcp(host:3306)/dbname');
  const database = main.slice(slash + 1);
  const before = main.slice(0, slash);
  const at = before.lastIndexOf('@');
  const credentials = at >= 0 ? before.slice(0, at) : '';
  const netPart = at >= 0 ? before.slice(at + 1) : before;
  const colon = credentials.indexOf(':');
  const user = colon >= 0 ? credentials.slice(0, colon) : credentials;
  const password = colon >= 0 ? credentials.slice(colon + 1) : '';
  const addrMatch = /^\w*\((.*)\)$/.exec(netPart);
  const addr = addrMatch ? addrMatch[1] : '127.0.0.1:3306';
  const portAt = addr.lastIndexOf(':');
  const host = portAt >= 0 ? addr.slice(0, portAt) : addr;
  const port = portAt >= 0 ? Number.parseInt(addr.slice(portAt + 1), 10) : 3306;
  const params = Object.fromEntries(new URLSearchParams(query));
  return { type: 'mysql', host: host || '127.0.0.1', port, user, password, database, params };
}

function parseMysqlUrl(dsn: string): DatabaseTarget {
  const url = new URL(dsn);
  return {
    type: 'mysql',
    host: url.hostname || '127.0.0.1',
    port: url.port ? Number.parseInt(url.port, 10) : 3306,
    user: decodeURIComponent(url.username),
    password: decodeURIComponent(url.password),
    database: decodeURIComponent(url.pathname.replace(/^\//, '')),
    params: Object.fromEntries(url.searchParams),
  };
}

/** One API's rule: empty → SQLite; postgres:// → PostgreSQL; anything else → MySQL (Go DSN or mysql:// URL). */
export function resolveDatabaseTarget(sqlDsn: string, sqlitePath: string): DatabaseTarget {
  const dsn = sqlDsn.trim();
  if (dsn === '') return { type: 'sqlite', path: sqlitePath };
  if (/^postgres(ql)?:\/\//i.test(dsn)) return { type: 'postgres', url: dsn };
  if (/^mysql:\/\//i.test(dsn)) return parseMysqlUrl(dsn);
  if (/^(sqlite|file):/i.test(dsn))
    return { type: 'sqlite', path: dsn.replace(/^(sqlite|file):(\/\/)?/i, '') };
  return parseGoMysqlDsn(dsn);
}
