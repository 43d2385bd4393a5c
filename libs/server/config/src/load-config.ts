import { validateSync } from 'class-validator';
import { AppConfig, ENV_BINDINGS } from './app-config';

export class ConfigValidationError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n  - ${problems.join('\n  - ')}`);
    this.name = 'ConfigValidationError';
  }
}

const TRUE_WORDS = new Set(['1', 'true', 'yes', 'on']);
const FALSE_WORDS = new Set(['0', 'false', 'no', 'off']);

/** Parses and validates the environment once; every bad variable is reported in one error. */
export function loadConfig(env: Record<string, string | undefined> = process.env): AppConfig {
  const config = new AppConfig();
  const problems: string[] = [];
  const envNameOf = new Map<string, string>();
  const target = config as unknown as Record<string, unknown>;

  for (const [name, field, kind] of ENV_BINDINGS) {
    envNameOf.set(field, name);
    const raw = env[name];
    if (raw === undefined || raw.trim() === '') continue;
    const value = raw.trim();
    if (kind === 'string') {
      target[field] = value;
    } else if (kind === 'int') {
      if (!/^-?\d+$/.test(value)) problems.push(`${name}: "${value}" is not an integer`);
      else target[field] = Number.parseInt(value, 10);
    } else {
      const lower = value.toLowerCase();
      if (TRUE_WORDS.has(lower)) target[field] = true;
      else if (FALSE_WORDS.has(lower)) target[field] = false;
      else problems.push(`${name}: "${value}" is not a boolean (use true or false)`);
    }
  }

  for (const error of validateSync(config)) {
    const name = envNameOf.get(error.property) ?? error.property;
    for (const message of Object.values(error.constraints ?? {})) {
      problems.push(`${name}: ${message.replace(error.property, name)}`);
    }
  }
  if (problems.length > 0) throw new ConfigValidationError(problems);
  return config;
}

/** For process entry points: the validated config, or every problem printed and exit status 2. */
export function loadConfigOrExit(env: Record<string, string | undefined> = process.env): AppConfig {
  try {
    return loadConfig(env);
  } catch (error) {
    if (error instanceof ConfigValidationError) {
      console.error(error.message);
      process.exit(2);
    }
    throw error;
  }
}
