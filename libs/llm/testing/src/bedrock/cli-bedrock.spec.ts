import type { FakeProvider } from '../core/fake-server';
import { parseCliArgs, runCli } from '../cli';
import { FAKE_BEDROCK_ACCESS_KEY_ID } from './fake-bedrock';

describe('fake-providers CLI --provider bedrock', () => {
  it('takes bedrock among the known fakes only', () => {
    expect(parseCliArgs(['--provider', 'bedrock'])).toMatchObject({ provider: 'bedrock' });
    expect(() => parseCliArgs(['--provider=nope'])).toThrow(/--provider expects .*bedrock/);
  });

  it('starts the fake Bedrock and prints the channel to create', async () => {
    const out: string[] = [];
    const write = jest.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
      out.push(String(chunk));
      return true;
    });
    let fake: FakeProvider;
    try {
      fake = await runCli(['--provider', 'bedrock', '--port', '0', '--zero-latency'], {});
    } finally {
      write.mockRestore();
    }
    try {
      expect(out.join('')).toContain(`fake-bedrock listening on ${fake.url}\n`);
      expect(out.join('')).toContain(`key ${FAKE_BEDROCK_ACCESS_KEY_ID}|`);
      // an unsigned call is refused the way Bedrock refuses it: this is the fake Bedrock, not the fake OpenAI
      const res = await fetch(`${fake.url}/model/amazon.nova-lite-v1%3A0/converse`, {
        method: 'POST',
        body: '{}',
      });
      expect(res.status).toBe(403);
      expect(res.headers.get('x-amzn-errortype')).toMatch(/^MissingAuthenticationTokenException:/);
    } finally {
      await fake.close();
    }
  });
});
