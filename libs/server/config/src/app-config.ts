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
  /** ms without a request after which V8 gives its spare heap back (one full GC); 0 = never */
  @IsInt() @Min(0) memoryReleaseIdleMs = 1000;
  @IsBoolean() enforceIncludeUsage = true;
  @IsInt() @Min(1) defaultMaxToken = 2048;

  @IsIn(['master', 'slave']) nodeType: 'master' | 'slave' = 'master';
  @IsOptional() @IsString() adminStaticDir?: string;
  @IsString() frontendBaseUrl = '';

  // Provider defaults
  @IsString() @MinLength(1) geminiVersion = 'v1beta';
  @IsIn(['BLOCK_NONE', 'BLOCK_ONLY_HIGH', 'BLOCK_MEDIUM_AND_ABOVE', 'BLOCK_LOW_AND_ABOVE', 'OFF'])
  geminiSafetySetting = 'BLOCK_NONE';
  /** OpenRouter provider routing order sent as `provider.sort` (empty: OpenRouter's default load balancing). */
  @IsIn(['', 'price', 'throughput', 'latency']) openRouterProviderSort = '';

  // User-supplied content (image URLs fetched for providers that need inline data; multipart uploads)
  @IsInt() @Min(1) maxInlineImageSizeMb = 16;
  @IsInt() @Min(1) userContentRequestTimeout = 30;
  @IsString() userContentRequestProxy = '';
  @IsString() userContentAllowedNetworks = '';
  @IsInt() @Min(1) maxUploadSizeMb = 50;

  // Sign-in and SSO
  @IsBoolean() forceRootPasswordChange = true;
  @IsInt() @Min(0) loginMaxFailures = 5;
  @IsInt() @Min(1) loginLockoutSeconds = 900;
  @IsString() @MinLength(1) githubOauthBaseUrl = 'https://github.com';
  @IsString() @MinLength(1) githubApiBaseUrl = 'https://api.github.com';
  @IsString() @MinLength(1) turnstileVerifyUrl = 'https://challenges.cloudflare.com/turnstile/v0/siteverify';
  @IsBoolean() oidcAllowInsecureHttp = false;

  // Operations (Redis, queues, channel health, rate limits, metrics, tracing, shutdown)
  @IsString() @MinLength(1) redisKeyPrefix = 'one-api:';
  @IsBoolean() batchUpdateEnabled = false;
  @IsInt() @Min(1) batchUpdateInterval = 5;
  // A crashed process's quota holds are refunded by a surviving process within this many seconds.
  @IsInt() @Min(2) quotaReconcileInterval = 60;
  @IsBoolean() runWorkerInApi = true;
  @IsInt() @Min(0) channelTestFrequency = 0;
  @IsInt() @Min(0) pollingInterval = 0;
  @IsInt() @Min(0) logRetentionDays = 0;
  @IsInt() @Min(0) traceRetentionDays = 30;
  @IsInt() @Min(0) channelSuspendSecondsFor429 = 60;
  @IsInt() @Min(2) channelBreakerWindow = 10;
  @IsInt() @Min(1) channelBreakerMinRequests = 5;
  @IsInt() @Min(1) @Max(100) channelBreakerFailureRate = 50;
  @IsInt() @Min(1) channelBreakerCooldownSeconds = 30;
  @IsBoolean() rateLimitDisabled = false;
  @IsInt() @Min(0) globalApiRateLimit = 480;
  @IsInt() @Min(0) globalWebRateLimit = 240;
  @IsInt() @Min(0) globalRelayRateLimit = 480;
  @IsBoolean() globalChannelRateLimit = false;
  @IsInt() @Min(0) criticalRateLimit = 20;
  @IsBoolean() enablePrometheusMetrics = false;
  @IsString() metricsToken = '';
  @IsBoolean() otelEnabled = false;
  @IsBoolean() otelSdkDisabled = false;
  @IsString() otelExporterOtlpEndpoint = '';
  @IsString() otelExporterOtlpTracesEndpoint = '';
  @IsString() otelExporterOtlpHeaders = '';
  @IsString() otelServiceName = 'one-api';
  @IsString() otelResourceAttributes = '';
  @IsInt() @Min(1) otelBspScheduleDelay = 5000;
  @IsIn(['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent']) logLevel = 'info';
  @IsInt() @Min(0) shutdownTimeoutSec = 360;
  /** Quota held for a request that reports no max_tokens and runs in the background (the fork's default). */
  @IsInt() @Min(0) preconsumeTokenForBackgroundRequest = 15000;
  @IsInt() @Min(1) externalBillingDefaultTimeout = 600;
  @IsInt() @Min(1) externalBillingMaxTimeout = 3600;
  @IsInt() @Min(1) tokenTransactionsMaxHistory = 1000;
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
  ['MEMORY_RELEASE_IDLE_MS', 'memoryReleaseIdleMs', 'int'],
  ['ENFORCE_INCLUDE_USAGE', 'enforceIncludeUsage', 'bool'],
  ['DEFAULT_MAX_TOKEN', 'defaultMaxToken', 'int'],
  ['NODE_TYPE', 'nodeType', 'string'],
  ['ADMIN_STATIC_DIR', 'adminStaticDir', 'string'],
  ['FRONTEND_BASE_URL', 'frontendBaseUrl', 'string'],
  ['GEMINI_VERSION', 'geminiVersion', 'string'],
  ['GEMINI_SAFETY_SETTING', 'geminiSafetySetting', 'string'],
  ['OPENROUTER_PROVIDER_SORT', 'openRouterProviderSort', 'string'],
  ['MAX_INLINE_IMAGE_SIZE_MB', 'maxInlineImageSizeMb', 'int'],
  ['USER_CONTENT_REQUEST_TIMEOUT', 'userContentRequestTimeout', 'int'],
  ['USER_CONTENT_REQUEST_PROXY', 'userContentRequestProxy', 'string'],
  ['USER_CONTENT_ALLOWED_NETWORKS', 'userContentAllowedNetworks', 'string'],
  ['MAX_UPLOAD_SIZE_MB', 'maxUploadSizeMb', 'int'],
  ['FORCE_ROOT_PASSWORD_CHANGE', 'forceRootPasswordChange', 'bool'],
  ['LOGIN_MAX_FAILURES', 'loginMaxFailures', 'int'],
  ['LOGIN_LOCKOUT_SECONDS', 'loginLockoutSeconds', 'int'],
  ['GITHUB_OAUTH_BASE_URL', 'githubOauthBaseUrl', 'string'],
  ['GITHUB_API_BASE_URL', 'githubApiBaseUrl', 'string'],
  ['TURNSTILE_VERIFY_URL', 'turnstileVerifyUrl', 'string'],
  ['OIDC_ALLOW_INSECURE_HTTP', 'oidcAllowInsecureHttp', 'bool'],
  ['REDIS_KEY_PREFIX', 'redisKeyPrefix', 'string'],
  ['BATCH_UPDATE_ENABLED', 'batchUpdateEnabled', 'bool'],
  ['BATCH_UPDATE_INTERVAL', 'batchUpdateInterval', 'int'],
  ['QUOTA_RECONCILE_INTERVAL', 'quotaReconcileInterval', 'int'],
  ['RUN_WORKER_IN_API', 'runWorkerInApi', 'bool'],
  ['CHANNEL_TEST_FREQUENCY', 'channelTestFrequency', 'int'],
  ['POLLING_INTERVAL', 'pollingInterval', 'int'],
  ['LOG_RETENTION_DAYS', 'logRetentionDays', 'int'],
  ['TRACE_RETENTION_DAYS', 'traceRetentionDays', 'int'],
  ['CHANNEL_SUSPEND_SECONDS_FOR_429', 'channelSuspendSecondsFor429', 'int'],
  ['CHANNEL_BREAKER_WINDOW', 'channelBreakerWindow', 'int'],
  ['CHANNEL_BREAKER_MIN_REQUESTS', 'channelBreakerMinRequests', 'int'],
  ['CHANNEL_BREAKER_FAILURE_RATE', 'channelBreakerFailureRate', 'int'],
  ['CHANNEL_BREAKER_COOLDOWN_SECONDS', 'channelBreakerCooldownSeconds', 'int'],
  ['RATE_LIMIT_DISABLED', 'rateLimitDisabled', 'bool'],
  ['GLOBAL_API_RATE_LIMIT', 'globalApiRateLimit', 'int'],
  ['GLOBAL_WEB_RATE_LIMIT', 'globalWebRateLimit', 'int'],
  ['GLOBAL_RELAY_RATE_LIMIT', 'globalRelayRateLimit', 'int'],
  ['GLOBAL_CHANNEL_RATE_LIMIT', 'globalChannelRateLimit', 'bool'],
  ['CRITICAL_RATE_LIMIT', 'criticalRateLimit', 'int'],
  ['ENABLE_PROMETHEUS_METRICS', 'enablePrometheusMetrics', 'bool'],
  ['METRICS_TOKEN', 'metricsToken', 'string'],
  ['OTEL_ENABLED', 'otelEnabled', 'bool'],
  ['OTEL_SDK_DISABLED', 'otelSdkDisabled', 'bool'],
  ['OTEL_EXPORTER_OTLP_ENDPOINT', 'otelExporterOtlpEndpoint', 'string'],
  ['OTEL_EXPORTER_OTLP_TRACES_ENDPOINT', 'otelExporterOtlpTracesEndpoint', 'string'],
  ['OTEL_EXPORTER_OTLP_HEADERS', 'otelExporterOtlpHeaders', 'string'],
  ['OTEL_SERVICE_NAME', 'otelServiceName', 'string'],
  ['OTEL_RESOURCE_ATTRIBUTES', 'otelResourceAttributes', 'string'],
  ['OTEL_BSP_SCHEDULE_DELAY', 'otelBspScheduleDelay', 'int'],
  ['LOG_LEVEL', 'logLevel', 'string'],
  ['SHUTDOWN_TIMEOUT_SEC', 'shutdownTimeoutSec', 'int'],
  ['PRECONSUME_TOKEN_FOR_BACKGROUND_REQUEST', 'preconsumeTokenForBackgroundRequest', 'int'],
  ['EXTERNAL_BILLING_DEFAULT_TIMEOUT', 'externalBillingDefaultTimeout', 'int'],
  ['EXTERNAL_BILLING_MAX_TIMEOUT', 'externalBillingMaxTimeout', 'int'],
  ['TOKEN_TRANSACTIONS_MAX_HISTORY', 'tokenTransactionsMaxHistory', 'int'],
];
