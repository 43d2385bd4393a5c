import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ENV_BINDINGS } from './app-config';

describe('docs/configuration.md', () => {
  const doc = readFileSync(join(__dirname, '../../../../docs/configuration.md'), 'utf8');

  it.each(ENV_BINDINGS.map(([name]) => name))('documents %s', (name) => {
    // a table row naming the variable in its first column, however the columns are padded
    expect(doc).toMatch(new RegExp(`^\\|\\s*\`${name}\`\\s*\\|`, 'm'));
  });
});
