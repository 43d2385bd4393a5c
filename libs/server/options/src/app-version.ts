import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

/** The version of the workspace root package.json (the one with `workspaces`), found by walking up from `start`. */
export function readAppVersion(start: string = __dirname): string {
  let dir = start;
  for (;;) {
    const file = join(dir, 'package.json');
    if (existsSync(file)) {
      try {
        const pkg = JSON.parse(readFileSync(file, 'utf8')) as { workspaces?: unknown; version?: unknown };
        if (pkg.workspaces && typeof pkg.version === 'string') return pkg.version;
      } catch {
        // unreadable package.json: keep walking up
      }
    }
    const parent = dirname(dir);
    if (parent === dir) return '0.0.0';
    dir = parent;
  }
}
