import {
  type FakeProtocol,
  type FakeProvider,
  type FakeServerOptions,
  startFakeServer,
} from '../core/fake-server';

export interface FakeDeeplOptions extends FakeServerOptions {
  /** The only accepted key (`Authorization: DeepL-Auth-Key <key>`). */
  authKey: string;
}

/** The fake's "translation": the target language tag before the source text, so tests can see both. */
export function fakeTranslation(text: string, targetLang: string): string {
  return `[${targetLang}] ${text}`;
}

/** DeepL API v2 `POST /v2/translate` (JSON body). */
export function deeplProtocol(opts: FakeDeeplOptions): FakeProtocol {
  return {
    async handle(ex) {
      if (ex.headers.authorization !== `DeepL-Auth-Key ${opts.authKey}`)
        return ex.json(403, { message: 'Forbidden' });
      if (ex.method !== 'POST' || ex.path !== '/v2/translate') return ex.json(404, { message: 'Not found' });
      const body = (ex.body ?? {}) as { text?: unknown; target_lang?: unknown };
      if (!Array.isArray(body.text) || body.text.length === 0 || body.text.some((t) => typeof t !== 'string'))
        return ex.json(400, { message: "Parameter 'text' not specified." });
      if (typeof body.target_lang !== 'string' || !/^[A-Z]{2}(-[A-Z]{2,4})?$/.test(body.target_lang))
        return ex.json(400, { message: "Value for 'target_lang' not supported." });
      const target = body.target_lang;
      return ex.json(200, {
        translations: (body.text as string[]).map((text) => ({
          detected_source_language: 'EN',
          text: fakeTranslation(text, target),
        })),
      });
    },
    statusFault: (ex, status) =>
      ex.json(status, { message: status === 456 ? 'Quota Exceeded' : `fault ${status}` }),
    error: (ex, status, message) => ex.json(status, { message }),
  };
}

export function startFakeDeepl(opts: FakeDeeplOptions): Promise<FakeProvider> {
  return startFakeServer(deeplProtocol(opts), opts);
}
