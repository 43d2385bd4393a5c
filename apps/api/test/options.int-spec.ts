import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { dashlessUuid } from '@one-api/server-common';
import { OptionRow, User } from '@one-api/server-db';
import { isSecretOption, OptionsService } from '@one-api/server-options';
import { describeEachEngine } from './databases';
import { startTestApp, TestApp } from './harness';

const STATUS_KEYS = [
  'version',
  'start_time',
  'email_verification',
  'github_oauth',
  'github_client_id',
  'lark_client_id',
  'system_name',
  'logo',
  'footer_html',
  'wechat_qrcode',
  'wechat_login',
  'server_address',
  'turnstile_check',
  'turnstile_site_key',
  'top_up_link',
  'chat_link',
  'quota_per_unit',
  'display_in_currency',
  'oidc',
  'oidc_client_id',
  'oidc_well_known',
  'oidc_authorization_endpoint',
  'oidc_token_endpoint',
  'oidc_userinfo_endpoint',
  'password_login',
  'password_register',
];

const ROOT_VERSION = (
  JSON.parse(readFileSync(join(__dirname, '../../../package.json'), 'utf8')) as { version: string }
).version;

describeEachEngine('options, status and groups', (engine) => {
  let t: TestApp;
  let root: string;
  let admin: string;
  let common: string;
  const bootedAt = Math.floor(Date.now() / 1000);

  async function addUser(username: string, role: number): Promise<string> {
    const accessToken = dashlessUuid();
    await t.dataSource.getRepository(User).insert({
      username,
      password: 'not-a-login',
      displayName: username,
      role,
      status: 1,
      email: '',
      group: 'default',
      accessToken,
    });
    return accessToken;
  }

  const put = (key: string, value: unknown, token = root) =>
    t.http.put('/api/option/').set('Authorization', token).send({ key, value });
  const savedValue = async (key: string) =>
    (await t.dataSource.getRepository(OptionRow).findOneBy({ key }))?.value ?? undefined;

  beforeAll(async () => {
    t = await startTestApp({ engine });
    root = (await t.dataSource.getRepository(User).findOneByOrFail({ username: 'root' })).accessToken ?? '';
    admin = await addUser('opt_admin', 10);
    common = await addUser('opt_user', 1);
  });
  afterAll(async () => t?.close());

  it('GET /api/status is public and carries every One API status key', async () => {
    const res = await t.http.get('/api/status');
    expect(res.status).toBe(200);
    expect(res.body.success).toBe(true);
    expect(Object.keys(res.body.data).sort()).toEqual([...STATUS_KEYS].sort());
    const d = res.body.data;
    expect(d.version).toBe(ROOT_VERSION);
    expect(d.start_time).toBeGreaterThanOrEqual(bootedAt - 5);
    expect(d.start_time).toBeLessThanOrEqual(Math.floor(Date.now() / 1000));
    expect(d).toMatchObject({
      system_name: 'One API',
      server_address: 'http://localhost:3000',
      quota_per_unit: 500000,
      display_in_currency: true,
      password_login: true,
      password_register: true,
      github_oauth: false,
      oidc: false,
      turnstile_check: false,
      email_verification: false,
    });
  });

  it('the public text pages return the option strings', async () => {
    for (const path of ['/api/notice', '/api/about', '/api/home_page_content']) {
      const res = await t.http.get(path);
      expect(res.status).toBe(200);
      expect(res.body).toEqual({ success: true, message: '', data: '' });
    }
    expect((await put('Notice', 'Maintenance at noon')).status).toBe(200);
    expect((await put('About', '# About us')).status).toBe(200);
    expect((await put('HomePageContent', '<h1>hi</h1>')).status).toBe(200);
    expect((await t.http.get('/api/notice')).body.data).toBe('Maintenance at noon');
    expect((await t.http.get('/api/about')).body.data).toBe('# About us');
    expect((await t.http.get('/api/home_page_content')).body.data).toBe('<h1>hi</h1>');
  });

  it('GET /api/option/ is root-only and lists every non-secret option', async () => {
    expect((await t.http.get('/api/option/')).status).toBe(401);
    expect((await t.http.get('/api/option/').set('Authorization', admin)).status).toBe(403);
    expect((await t.http.get('/api/option/').set('Authorization', common)).status).toBe(403);
    const res = await t.http.get('/api/option/').set('Authorization', root);
    expect(res.status).toBe(200);
    const keys = (res.body.data as Array<{ key: string; value: string }>).map((o) => o.key);
    expect(keys).toEqual(expect.arrayContaining(['SystemName', 'GroupRatio', 'QuotaPerUnit', 'Notice']));
    for (const secret of [
      'SMTPToken',
      'GitHubClientSecret',
      'TurnstileSecretKey',
      'WeChatServerToken',
      'OidcClientSecret',
    ]) {
      expect(keys).not.toContain(secret);
    }
    expect(keys.filter(isSecretOption)).toEqual([]);
    for (const row of res.body.data) expect(Object.keys(row).sort()).toEqual(['key', 'value']);
    expect(res.body.data.find((o: { key: string }) => o.key === 'SystemName').value).toBe('One API');
  });

  it('secrets are writable but never readable', async () => {
    const sentinel = `secret-${dashlessUuid()}`;
    for (const key of ['SMTPToken', 'TurnstileSecretKey', 'GitHubClientSecret']) {
      const res = await put(key, sentinel);
      expect(res.status).toBe(200);
      expect(res.body).toEqual({ success: true, message: '' });
      expect(await savedValue(key)).toBe(sentinel);
    }
    await put('TurnstileSiteKey', 'site-key');
    await put('TurnstileCheckEnabled', 'true');
    const list = await t.http.get('/api/option/').set('Authorization', root);
    expect(JSON.stringify(list.body)).not.toContain(sentinel);
    const status = await t.http.get('/api/status');
    expect(JSON.stringify(status.body)).not.toContain(sentinel);
    expect(status.body.data).toMatchObject({ turnstile_check: true, turnstile_site_key: 'site-key' });
    await put('TurnstileCheckEnabled', 'false');
  });

  it('PUT /api/option/ is root-only and validates the body', async () => {
    expect((await t.http.put('/api/option/').send({ key: 'SystemName', value: 'x' })).status).toBe(401);
    expect((await put('SystemName', 'x', admin)).status).toBe(403);
    const missing = await t.http.put('/api/option/').set('Authorization', root).send({ key: 'SystemName' });
    expect(missing.status).toBe(400);
    expect(missing.body.success).toBe(false);
    expect(missing.body.message).toContain('value');
    const objectValue = await put('SystemName', { nested: true });
    expect(objectValue.status).toBe(400);
    expect(objectValue.body.message).toContain('value');
    const noKey = await t.http.put('/api/option/').set('Authorization', root).send({ value: 'x' });
    expect(noKey.status).toBe(400);
    expect(noKey.body.message).toContain('key');
    expect(await savedValue('SystemName')).toBeUndefined();
  });

  it('rejects unknown keys', async () => {
    const res = await put('NotAnOption', 'x');
    expect(res.status).toBe(400);
    expect(res.body).toEqual({ success: false, message: expect.stringContaining('NotAnOption') });
    expect(await savedValue('NotAnOption')).toBeUndefined();
  });

  it('stores strings, numbers and booleans as strings, checking their kind', async () => {
    expect((await put('SystemName', 'My Gateway')).status).toBe(200);
    expect((await put('QuotaPerUnit', 1000)).status).toBe(200);
    expect(await savedValue('QuotaPerUnit')).toBe('1000');
    expect((await put('DisplayInCurrencyEnabled', false)).status).toBe(200);
    expect(await savedValue('DisplayInCurrencyEnabled')).toBe('false');
    const status = (await t.http.get('/api/status')).body.data;
    expect(status).toMatchObject({
      system_name: 'My Gateway',
      quota_per_unit: 1000,
      display_in_currency: false,
    });

    const badBool = await put('DisplayInCurrencyEnabled', 'yes');
    expect(badBool.status).toBe(400);
    expect(badBool.body.message).toContain('DisplayInCurrencyEnabled');
    const badNumber = await put('QuotaPerUnit', 'lots');
    expect(badNumber.status).toBe(400);
    expect(badNumber.body.message).toContain('QuotaPerUnit');
    expect(await savedValue('QuotaPerUnit')).toBe('1000');
    await put('QuotaPerUnit', '500000');
    await put('DisplayInCurrencyEnabled', 'true');
  });

  it('JSON options must be objects of non-negative numbers', async () => {
    for (const bad of ['{"default":1', '[1,2]', '{"default":-1}', '{"default":"1"}', 'null']) {
      const res = await put('GroupRatio', bad);
      expect(res.status).toBe(400);
      expect(res.body.message).toContain('GroupRatio');
    }
    expect(await savedValue('GroupRatio')).toBeUndefined();

    t.app.get(OptionsService).registerDefault('ModelRatio', '{"gpt-4o":1.25}');
    const badModel = await put('ModelRatio', '{"gpt-4o":"x"}');
    expect(badModel.status).toBe(400);
    expect(badModel.body.message).toContain('ModelRatio');
    expect((await put('ModelRatio', '{"gpt-4o":2.5}')).status).toBe(200);
    expect(await savedValue('ModelRatio')).toBe('{"gpt-4o":2.5}');
  });

  it('GET /api/group/ lists the GroupRatio keys for admins', async () => {
    expect((await t.http.get('/api/group/')).status).toBe(401);
    expect((await t.http.get('/api/group/').set('Authorization', common)).status).toBe(403);
    const before = await t.http.get('/api/group/').set('Authorization', admin);
    expect(before.status).toBe(200);
    expect([...before.body.data].sort()).toEqual(['default', 'svip', 'vip']);
    expect((await put('GroupRatio', '{"default":1,"enterprise":0.8,"free":0}')).status).toBe(200);
    const after = await t.http.get('/api/group').set('Authorization', admin);
    expect([...after.body.data].sort()).toEqual(['default', 'enterprise', 'free']);
  });

  it("applies One API's dependent checks before enabling a feature", async () => {
    const gh = await put('GitHubOAuthEnabled', 'true');
    expect(gh.status).toBe(400);
    expect(gh.body.message).toContain('GitHubClientId');
    await put('GitHubClientId', 'Iv1.abc');
    expect((await put('GitHubOAuthEnabled', true)).status).toBe(200);
    expect((await t.http.get('/api/status')).body.data).toMatchObject({
      github_oauth: true,
      github_client_id: 'Iv1.abc',
    });

    expect((await put('OidcEnabled', 'true')).status).toBe(400);
    await put('OidcClientId', 'client');
    expect((await put('OidcEnabled', 'true')).status).toBe(400);
    await put('OidcAuthorizationEndpoint', 'https://idp/auth');
    await put('OidcTokenEndpoint', 'https://idp/token');
    expect((await put('OidcEnabled', 'true')).status).toBe(400);
    await put('OidcUserinfoEndpoint', 'https://idp/userinfo');
    expect((await put('OidcEnabled', 'true')).status).toBe(200);

    await put('TurnstileSiteKey', '');
    const ts = await put('TurnstileCheckEnabled', 'true');
    expect(ts.status).toBe(400);
    expect(ts.body.message).toContain('TurnstileSiteKey');

    await put('EmailDomainWhitelist', '');
    const ed = await put('EmailDomainRestrictionEnabled', 'true');
    expect(ed.status).toBe(400);
    expect(ed.body.message).toContain('EmailDomainWhitelist');
    await put('EmailDomainWhitelist', 'example.com');
    expect((await put('EmailDomainRestrictionEnabled', 'true')).status).toBe(200);
    expect((await put('EmailDomainRestrictionEnabled', 'false')).status).toBe(200);

    const status = (await t.http.get('/api/status')).body.data;
    expect(status).toMatchObject({ oidc: true, turnstile_check: false });
  });
});
