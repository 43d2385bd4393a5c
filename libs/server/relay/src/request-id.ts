import { randomInt } from 'node:crypto';

let counter = 0;

/** One API's request id: local time YYYYMMDDhhmmss + 9 sub-second digits + 8 random digits. */
export function newRequestId(now = new Date()): string {
  const p = (n: number, w = 2) => String(n).padStart(w, '0');
  const stamp = `${now.getFullYear()}${p(now.getMonth() + 1)}${p(now.getDate())}${p(now.getHours())}${p(now.getMinutes())}${p(now.getSeconds())}`;
  // Sub-second nanoseconds from the high-resolution clock; a counter keeps ids distinct within one process.
  counter = (counter + 1) % 1000;
  const nanos = p(Number((process.hrtime.bigint() % 1_000_000n) * 1000n + BigInt(counter)) % 1e9, 9);
  return `${stamp}${nanos}${p(randomInt(0, 1e8), 8)}`;
}
