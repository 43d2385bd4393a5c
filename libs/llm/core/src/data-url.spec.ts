import { parseDataUrl, toDataUrl } from './data-url';

describe('data URLs', () => {
  it('parses base64 data URLs and rebuilds them exactly', () => {
    const url = 'data:image/png;base64,iVBORw0KGgo=';
    expect(parseDataUrl(url)).toEqual({ mediaType: 'image/png', data: 'iVBORw0KGgo=' });
    expect(toDataUrl('image/png', 'iVBORw0KGgo=')).toBe(url);
    const withParam = 'data:text/plain;charset=utf-8;base64,aGk=';
    const parsed = parseDataUrl(withParam);
    expect(parsed && toDataUrl(parsed.mediaType, parsed.data)).toBe(withParam);
  });

  it('rejects URLs that are not base64 data URLs', () => {
    expect(parseDataUrl('https://example.com/a.png')).toBeUndefined();
    expect(parseDataUrl('data:text/plain,hello')).toBeUndefined();
  });
});
