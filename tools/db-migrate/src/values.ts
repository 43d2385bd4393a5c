import { createHash } from 'node:crypto';
import type { Dialect } from '@one-api/server-db';
import type { ValueKind } from './schema';

/**
 * The engine-independent form of one stored value. Every engine returns the same data differently — PostgreSQL
 * `true` where SQLite and MySQL return `1`, PostgreSQL pads `char(n)` with spaces, a big MySQL integer may come as a
 * string — so values are compared, and checksummed, in this form.
 */
export function canonicalValue(value: unknown, kind: ValueKind): unknown {
  if (value === null || value === undefined) return null;
  if (Buffer.isBuffer(value)) return { base64: value.toString('base64') };
  if (value instanceof Date) return value.toISOString();
  switch (kind) {
    case 'char':
      return String(value).replace(/ +$/, '');
    case 'text':
      return typeof value === 'string' ? value : String(value);
    case 'number':
    case 'bool': {
      if (typeof value === 'boolean') return value ? 1 : 0;
      if (typeof value === 'number') return value;
      if (typeof value === 'bigint')
        return Number.isSafeInteger(Number(value)) ? Number(value) : value.toString();
      const text = String(value).trim();
      if (/^-?\d+$/.test(text))
        return Number.isSafeInteger(Number(text)) ? Number(text) : text.replace(/^(-?)0+(?=\d)/, '$1');
      const n = Number(text);
      return text !== '' && Number.isFinite(n) ? n : text;
    }
    default:
      if (typeof value === 'bigint') return value.toString();
      return value;
  }
}

/** The value as the target engine's driver accepts it for a column of the given kind. */
export function valueForTarget(value: unknown, kind: ValueKind, dialect: Dialect): unknown {
  const canonical = canonicalValue(value, kind);
  if (canonical === null) return null;
  if (kind === 'bool' && dialect === 'postgres') return Number(canonical) !== 0;
  if (typeof canonical === 'object' && canonical !== null && 'base64' in canonical) return value;
  return canonical;
}

const MOD = 1n << 256n;

/**
 * An order-independent checksum of a table: the sum (mod 2^256) of the SHA-256 of every row's canonical JSON. Rows are
 * unique by primary key, so the sum changes when any row is missing, added or altered, whatever order each engine
 * returns them in (text keys sort differently under MySQL's and PostgreSQL's collations).
 */
export class TableChecksum {
  private sum = 0n;
  rows = 0;

  add(canonicalRow: unknown[]): void {
    const digest = createHash('sha256').update(JSON.stringify(canonicalRow)).digest('hex');
    this.sum = (this.sum + BigInt(`0x${digest}`)) % MOD;
    this.rows += 1;
  }

  get hex(): string {
    return this.sum.toString(16).padStart(64, '0');
  }
}
