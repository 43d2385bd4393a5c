import { safeReturnPath } from './redirects';

describe('safeReturnPath', () => {
  it('keeps local paths', () => {
    expect(safeReturnPath('/dashboard?tab=1')).toBe('/dashboard?tab=1');
    expect(safeReturnPath('/')).toBe('/');
  });

  it('refuses anything that could leave the site', () => {
    for (const bad of [
      '//evil.example',
      '/\\evil.example',
      'https://evil.example',
      'evil',
      '',
      undefined,
      42,
      '/a b',
    ]) {
      expect(safeReturnPath(bad)).toBe('/');
    }
  });
});
