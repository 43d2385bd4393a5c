import {
  IsBoolean,
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  Max,
  Min,
  MinLength,
  NotEquals,
} from 'class-validator';

/**
 * Every setting read from the environment. Field names are camelCase; the environment variable that feeds each
 * one is listed in ENV_BINDINGS (names kept from One API so existing deployments keep their meaning).
 */
export class AppConfig {
  @IsInt() @Min(1) @Max(65535) port = 3000;
  @IsString() host = '0.0.0.0';

  @IsString() sqlDsn = '';
  @IsString() logSqlDsn = '';
  @IsString() @MinLength(1) sqlitePath = 'data/one-api.db';
  @IsInt() @Min(0) sqliteBusyTimeout = 10000;
  @IsInt() @Min(0) sqlMaxIdleConns = 100;
  @IsInt() @Min(1) sqlMaxOpenConns = 1000;
  @IsInt() @Min(0) sqlMaxLifetime = 60;

  @IsString()
  @NotEquals('random_string', { message: 'SESSION_SECRET must not be the placeholder "random_string"' })
  sessionSecret = '';
  @IsBoolean() enableCookieSecure = false;
  @IsInt() @Min(1) cookieMaxAgeHours = 168;

  @IsBoolean() debug = false;
  @IsBoolean() debugSql = false;

  @IsString() initialRootAccessToken = '';
  @IsString() initialRootToken = '';
  @IsInt() @Min(1) @Max(10000) maxItemsPerPage = 100;

  @IsString() redisConnString = '';
  @IsString() redisPassword = '';
  @IsBoolean() memoryCacheEnabled = true;
  @IsInt() @Min(1) syncFrequency = 600;

  @IsString() tokenKeyPrefix = 'sk-';
  @IsInt() @Min(0) relayTimeout = 0;
  @IsBoolean() enforceIncludeUsage = true;
  @IsInt() @Min(1) defaultMaxToken = 2048;

  @IsIn(['master', 'slave']) nodeType: 'master' | 'slave' = 'master';
  @IsOptional() @IsString() adminStaticDir?: string;
  @IsString() frontendBaseUrl = '';
}

type Kind = 'int' | 'bool' | 'string';
export const ENV_BINDINGS: ReadonlyArray<readonly [env: string, field: keyof AppConfig, kind: Kind]> = [
  ['PORT', 'port', 'int'],
  ['HOST', 'host', 'string'],
  ['SQL_DSN', 'sqlDsn', 'string'],
  ['LOG_SQL_DSN', 'logSqlDsn', 'string'],
  ['SQLITE_PATH', 'sqlitePath', 'string'],
  ['SQLITE_BUSY_TIMEOUT', 'sqliteBusyTimeout', 'int'],
  ['SQL_MAX_IDLE_CONNS', 'sqlMaxIdleConns', 'int'],
  ['SQL_MAX_OPEN_CONNS', 'sqlMaxOpenConns', 'int'],
  ['SQL_MAX_LIFETIME', 'sqlMaxLifetime', 'int'],
  ['SESSION_SECRET', 'sessionSecret', 'string'],
  ['ENABLE_COOKIE_SECURE', 'enableCookieSecure', 'bool'],
  ['COOKIE_MAXAGE_HOURS', 'cookieMaxAgeHours', 'int'],
  ['DEBUG', 'debug', 'bool'],
  ['DEBUG_SQL', 'debugSql', 'bool'],
  ['INITIAL_ROOT_ACCESS_TOKEN', 'initialRootAccessToken', 'string'],
  ['INITIAL_ROOT_TOKEN', 'initialRootToken', 'string'],
  ['MAX_ITEMS_PER_PAGE', 'maxItemsPerPage', 'int'],
  ['REDIS_CONN_STRING', 'redisConnString', 'string'],
  ['REDIS_PASSWORD', 'redisPassword', 'string'],
  ['MEMORY_CACHE_ENABLED', 'memoryCacheEnabled', 'bool'],
  ['SYNC_FREQUENCY', 'syncFrequency', 'int'],
  ['TOKEN_KEY_PREFIX', 'tokenKeyPrefix', 'string'],
  ['RELAY_TIMEOUT', 'relayTimeout', 'int'],
  ['ENFORCE_INCLUDE_USAGE', 'enforceIncludeUsage', 'bool'],
  ['DEFAULT_MAX_TOKEN', 'defaultMaxToken', 'int'],
  ['NODE_TYPE', 'nodeType', 'string'],
  ['ADMIN_STATIC_DIR', 'adminStaticDir', 'string'],
  ['FRONTEND_BASE_URL', 'frontendBaseUrl', 'string'],
];
