import { OneApiBaseline1732600000001 } from './0001-one-api-baseline';
import { RequestCostsAndLogColumns1732600000002 } from './0002-request-costs-and-log-columns';
import { SignIn1732600000003 } from './0003-sign-in';
import { Operations1732600000004 } from './0004-operations';
import { QuotaHolds1732600000005 } from './0005-quota-holds';
import { Billing1732600000006 } from './0006-billing';

/** Ordered schema migrations; each is applied once and recorded in `schema_migrations`. */
export const MIGRATIONS = [
  OneApiBaseline1732600000001,
  RequestCostsAndLogColumns1732600000002,
  SignIn1732600000003,
  Operations1732600000004,
  QuotaHolds1732600000005,
  Billing1732600000006,
];
