import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ENV_BINDINGS } from './app-config';

describe('docs/configuration.md', () => {
  const doc = readFileSync(join(__dirname, '../../../../docs/configuration.md'), 'utf8');

  it.each(ENV_BINDINGS.map(([name]) => name))('documents %s', (name) => {
    expect(doc).toContain(`| \`${name}\` |`);
  });
});
