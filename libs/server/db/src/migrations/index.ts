import { OneApiBaseline1732600000001 } from './0001-one-api-baseline';

/** Ordered schema migrations; each is applied once and recorded in `schema_migrations`. */
export const MIGRATIONS = [OneApiBaseline1732600000001];
