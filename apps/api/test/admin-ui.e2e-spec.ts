/**
 * The admin app in real Chromium (playwright-core driving Debian's chromium) against the real API serving the
 * static export at `/`, with the fake OpenAI upstream for relay calls. Every page is screenshotted into
 * reports/screenshots/, and any console error or uncaught page error fails the test.
 */
import { existsSync, mkdirSync, readdirSync, rmSync } from 'node:fs';
import { resolve } from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { FakeProvider, startFakeOpenAI } from '@one-api/llm-testing';
import {
  computeQuota,
  defaultCompletionRatios,
  defaultModelRatios,
  resolveModelPrice,
} from '@one-api/server-billing';
import { startTestApp, TestApp } from './harness';
import { settled } from './relay-fixtures';

type Agent = Awaited<ReturnType<TestApp['login']>>;

const ADMIN_INDEX = resolve(__dirname, '../../admin/out/index.html');
const SHOTS = resolve(__dirname, '../../../reports/screenshots');
const CHROMIUM = '/usr/bin/chromium';
const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];
const MODEL = 'gpt-4o-mini';
const ROOT_PASSWORD = 'root-e2e-pass';
const QUOTA_PER_USD = 500000;

/** The admin app's dollar format: 6 decimals under a cent, 4 under a dollar, else 2. */
function usd(quota: number): string {
  const v = quota / QUOTA_PER_USD;
  const digits = v === 0 ? 2 : v < 0.01 ? 6 : v < 1 ? 4 : 2;
  return `$${v.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits })}`;
}

describe('admin app in Chromium', () => {
  let t: TestApp;
  let fake: FakeProvider;
  let root: Agent;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  const consoleErrors: string[] = [];
  let channelId = 0;
  let rootKey = '';
  const requestIds: string[] = [];

  beforeAll(async () => {
    if (!existsSync(ADMIN_INDEX)) {
      throw new Error(`The admin app is not built (${ADMIN_INDEX} missing): run \`npm run build\` first`);
    }
    if (!existsSync(CHROMIUM))
      throw new Error(`Chromium not found at ${CHROMIUM} (apt-get install chromium)`);
    mkdirSync(SHOTS, { recursive: true });
    for (const f of readdirSync(SHOTS)) if (/^admin-.*\.png$/.test(f)) rmSync(resolve(SHOTS, f));
    fake = await startFakeOpenAI();
    // as on a fresh install: root must replace the seeded password before anything else
    t = await startTestApp({ env: { FORCE_ROOT_PASSWORD_CHANGE: 'true' } });
    browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS });
    context = await newContext();
    page = await watchedPage(context);
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await t?.close();
    await fake?.close();
  });

  afterEach(() => {
    const errors = consoleErrors.splice(0);
    expect(errors).toEqual([]);
  });

  async function newContext(): Promise<BrowserContext> {
    const ctx = await browser.newContext({
      baseURL: t.url,
      locale: 'en-US',
      colorScheme: 'light',
      viewport: { width: 1440, height: 900 },
    });
    await ctx.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: t.url });
    return ctx;
  }

  async function watchedPage(ctx: BrowserContext): Promise<Page> {
    const p = await ctx.newPage();
    p.on('console', (msg) => {
      if (msg.type() === 'error') consoleErrors.push(`[console] ${msg.text()} @ ${p.url()}`);
    });
    p.on('pageerror', (err) => consoleErrors.push(`[pageerror] ${err.message} @ ${p.url()}`));
    // name the failing URL (the console only says "Failed to load resource")
    p.on('response', (res) => {
      if (res.status() >= 400)
        consoleErrors.push(`[http ${res.status()}] ${res.request().method()} ${res.url()}`);
    });
    return p;
  }

  let shots = 0;
  /** reports/screenshots/admin-NN-<name>.png, numbered in the order of the flow */
  async function shot(name: string, p: Page = page): Promise<void> {
    await p.waitForLoadState('networkidle');
    shots += 1;
    await p.screenshot({
      path: resolve(SHOTS, `admin-${String(shots).padStart(2, '0')}-${name}.png`),
      fullPage: true,
    });
  }

  async function signIn(p: Page, username: string, password: string): Promise<void> {
    await p.goto('/');
    await p.waitForURL('**/login/');
    await p.getByLabel('Username').fill(username);
    await p.getByLabel('Password', { exact: true }).fill(password);
    await p.getByTestId('login-submit').click();
    await p.waitForURL('**/overview/');
    await p.getByTestId('signed-in-user').filter({ hasText: username }).waitFor();
  }

  async function signOut(p: Page): Promise<void> {
    await p.getByTestId('user-menu').click();
    await p.getByTestId('sign-out').click();
    await p.waitForURL('**/login/');
  }

  /** Types values into a Mantine TagsInput (each confirmed with Enter). */
  async function fillTags(p: Page, testId: string, values: string[]): Promise<void> {
    const input = p.getByTestId(testId);
    for (const v of values) {
      await input.fill(v);
      await input.press('Enter');
    }
    await input.press('Escape');
  }

  async function relayCall(key: string, content: string) {
    const res = await fetch(`${t.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${key}`, 'Content-Type': 'application/json' },
      body: JSON.stringify({ model: MODEL, messages: [{ role: 'user', content }] }),
    });
    const body = (await res.json()) as { usage: { prompt_tokens: number; completion_tokens: number } };
    expect(res.status).toBe(200);
    const requestId = res.headers.get('x-oneapi-request-id') ?? '';
    expect(requestId).not.toBe('');
    requestIds.push(requestId);
    await settled(t);
    return { usage: body.usage, requestId };
  }

  it('serves the sign-in page at /, signs root in and makes it replace the default password', async () => {
    await page.goto('/');
    await page.waitForURL('**/login/');
    await page.getByTestId('login-submit').waitFor();
    await shot('login');
    await signIn(page, 'root', '123456');
    await page.getByTestId('forced-password').fill(ROOT_PASSWORD);
    await page.getByTestId('forced-confirm').fill(ROOT_PASSWORD);
    await shot('forced-password-change');
    await page.getByTestId('forced-submit').click();
    await page.getByTestId('stat-quota-left').waitFor();
    root = await t.login('root', ROOT_PASSWORD);
    expect((await root.get('/api/user/self')).body.data.password_change_required).toBeUndefined();
    await shot('dashboard-empty');
  });

  it('creates a channel pointing at the fake provider', async () => {
    await page.getByTestId('nav-channels').click();
    await page.waitForURL('**/channels/');
    await page.getByTestId('channel-create').click();
    await page.getByTestId('channel-name').fill('fake openai');
    await page.getByTestId('channel-base-url').fill(fake.url);
    await page.getByTestId('channel-key').fill('fake-upstream-key');
    await fillTags(page, 'channel-models', [MODEL, 'gpt-4o']);
    await shot('channel-form');
    await page.getByTestId('channel-submit').click();
    await page.getByText('Channel created').waitFor();
    const row = page.getByTestId('channels-table').locator('tbody tr', { hasText: 'fake openai' });
    await row.waitFor();
    channelId = Number(await row.getAttribute('data-row-key'));
    expect(channelId).toBeGreaterThan(0);
    const stored = (await root.get(`/api/channel/${channelId}`)).body.data;
    expect(stored).toMatchObject({
      type: 1,
      base_url: fake.url,
      models: `${MODEL},gpt-4o`,
      group: 'default',
    });
    await shot('channels');
  });

  it('tests the channel with latency and reply, then all channels with a progress bar', async () => {
    await page.getByTestId(`channel-test-${channelId}`).click();
    await page.getByText(/^"fake openai" answered in \d+\.\d\d s$/).waitFor();
    const badge = page.getByTestId(`channel-test-result-${channelId}`);
    await badge.filter({ hasText: /^\d+\.\d\d s$/ }).waitFor();
    await badge.hover();
    // the tooltip carries the upstream's reply to the test prompt
    const reply = page.getByRole('tooltip');
    await reply.waitFor();
    expect((await reply.innerText()).trim().length).toBeGreaterThan(0);
    expect(fake.requests.length).toBe(1);
    await shot('channel-tested');
    await page.getByTestId('channel-test-all').click();
    await page.getByTestId('test-all-progress').getByText('Tested 1 of 1 (0 failed)').waitFor();
    await page.getByText('All channels tested: 1 passed, 0 failed').waitFor();
    expect(fake.requests.length).toBe(2);
    const stored = (await root.get(`/api/channel/${channelId}`)).body.data;
    expect(stored.test_time).toBeGreaterThan(0);
    await shot('channels-tested-all');
    fake.reset();
  });

  it('edits the channel: model mapping editor and per-type fields', async () => {
    await page.getByTestId(`channel-menu-${channelId}`).click();
    await page.getByRole('menuitem', { name: 'Edit' }).click();
    await page.getByTestId('channel-name').waitFor();
    expect(await page.getByTestId('channel-name').inputValue()).toBe('fake openai');
    await page.getByRole('button', { name: 'Add a mapping' }).click();
    await page.getByLabel('Requested model').fill('my-alias');
    await page.getByLabel('Upstream model').fill(MODEL);
    await fillTags(page, 'channel-models', ['my-alias']);
    // an Azure channel asks for its API version (prefilled with One API's default)
    await page.getByTestId('channel-type').click();
    await page.getByRole('option', { name: 'Azure (3)' }).click();
    expect(await page.getByLabel('API version').inputValue()).toBe('2024-03-01-preview');
    await shot('channel-form-azure');
    await page.getByTestId('channel-type').click();
    await page.getByRole('option', { name: 'OpenAI (1)' }).click();
    await page.getByTestId('channel-submit').click();
    await page.getByText('Channel saved').waitFor();
    const stored = (await root.get(`/api/channel/${channelId}`)).body.data;
    expect(stored.type).toBe(1);
    expect(JSON.parse(stored.model_mapping)).toEqual({ 'my-alias': MODEL });
    expect(stored.models).toBe(`${MODEL},gpt-4o,my-alias`);
  });

  it('edits the channel prices (model_configs), starting from the global prices', async () => {
    await page.getByTestId(`channel-menu-${channelId}`).click();
    await page.getByRole('menuitem', { name: 'Edit' }).click();
    await page.getByTestId('channel-pricing-defaults').click();
    const editor = page.getByTestId('channel-model-configs');
    // A string: this file is compiled without the DOM library.
    await page.waitForFunction(`document.querySelector('[data-testid="channel-model-configs"]')?.value`);
    const defaults = JSON.parse(await editor.inputValue());
    expect(defaults[MODEL]).toMatchObject({ ratio: 0.075, completion_ratio: 4, cached_input_ratio: 0.0375 });
    await shot('channel-form-pricing');
    // Only gpt-4o gets a price of its own: later tests bill MODEL at the global ratio.
    await editor.fill(JSON.stringify({ 'gpt-4o': { ratio: 1.5, completion_ratio: 4 } }));
    // Leaving the editor formats the JSON (the field grows): blur first, so the click lands on Save.
    await editor.press('Tab');
    const put = page.waitForResponse(
      (r) => r.url().endsWith('/api/channel/') && r.request().method() === 'PUT',
    );
    await page.getByTestId('channel-submit').click();
    expect(await (await put).json()).toMatchObject({ success: true });
    await page.getByTestId('channel-name').waitFor({ state: 'hidden' });
    const stored = (await root.get(`/api/channel/pricing/${channelId}`)).body.data;
    expect(stored.model_configs).toEqual({ 'gpt-4o': { ratio: 1.5, completion_ratio: 4 } });
    expect(stored.effective_pricing[MODEL]).toMatchObject({ ratio: 0.075 });
  });

  it('creates an API key and copies the sk- key once shown', async () => {
    await page.getByTestId('nav-keys').click();
    await page.waitForURL('**/keys/');
    await page.getByTestId('key-create').click();
    await page.getByTestId('key-name').fill('e2e key');
    await page.getByTestId('key-quota').fill('10000000');
    await shot('key-form');
    await page.getByTestId('key-submit').click();
    const shown = page.getByTestId('created-key');
    await shown.waitFor();
    rootKey = (await shown.innerText()).trim();
    expect(rootKey).toMatch(/^sk-[A-Za-z0-9]{48}$/);
    await page.getByTestId('copy-created-key').click();
    expect(await page.evaluate<string>('navigator.clipboard.readText()')).toBe(rootKey);
    await shot('key-created');
    await page.keyboard.press('Escape');
    await page.getByTestId('keys-table').locator('tbody tr', { hasText: 'e2e key' }).waitFor();
    const tokens = (await root.get('/api/token/')).body.data as Array<{ name: string; remain_quota: number }>;
    expect(tokens.find((k) => k.name === 'e2e key')).toMatchObject({ remain_quota: 10000000 });
    await shot('keys');
  });

  it('shows a relay call made with the key in the logs with its cost', async () => {
    const { usage } = await relayCall(rootKey, 'Hello from the admin e2e test.');
    const price = resolveModelPrice(
      { modelRatio: defaultModelRatios(), completionRatio: defaultCompletionRatios(), groupRatio: {} },
      MODEL,
    );
    const expected = computeQuota(
      { promptTokens: usage.prompt_tokens, completionTokens: usage.completion_tokens },
      price,
      1,
    );
    await page.getByTestId('nav-logs').click();
    await page.waitForURL('**/logs/');
    const row = page.getByTestId('logs-table').locator('tbody tr', { hasText: MODEL }).first();
    await row.waitFor();
    const cost = row.getByTestId('log-cost');
    expect(Number(await cost.getAttribute('data-quota'))).toBe(expected);
    expect((await cost.innerText()).trim()).toBe(usd(expected));
    await expect(row.innerText()).resolves.toContain('e2e key');
    await shot('logs');
  });

  it('shows the call in the dashboard charts', async () => {
    await page.getByTestId('nav-overview').click();
    await page.waitForURL('**/overview/');
    const chart = page.getByTestId('chart-cost-per-day');
    await chart.getByText(MODEL).first().waitFor();
    expect(await chart.locator('.recharts-bar-rectangle').count()).toBeGreaterThan(0);
    const modelRow = page.getByTestId('dashboard-models').locator('tbody tr', { hasText: MODEL });
    await expect(modelRow.locator('td').nth(1).innerText()).resolves.toBe('1');
    await expect(page.getByTestId('stat-requests').innerText()).resolves.toBe('1');
    await shot('dashboard');
  });

  it('bills the next call by a model ratio changed in settings', async () => {
    await page.getByTestId('nav-settings').click();
    await page.waitForURL('**/settings/');
    await page.getByTestId('settings-tab-ratios').click();
    const editor = page.getByTestId('setting-ModelRatio');
    await editor.waitFor();
    const table = JSON.parse(await editor.inputValue()) as Record<string, number>;
    expect(table[MODEL]).toBeGreaterThan(0);
    // an invalid table is refused in the form before it reaches the server
    await editor.fill(JSON.stringify({ ...table, [MODEL]: -1 }));
    await page.getByText(`The value of "${MODEL}" must be a number of at least 0`).waitFor();
    expect(await page.getByTestId('settings-save-ratios').isDisabled()).toBe(true);
    await editor.fill(JSON.stringify({ ...table, [MODEL]: 3.5 }, null, 2));
    await shot('settings-ratios');
    await page.getByTestId('settings-save-ratios').click();
    await page.getByText('1 settings saved').waitFor();
    const saved = (await root.get('/api/option/')).body.data as Array<{ key: string; value: string }>;
    expect(JSON.parse(saved.find((o) => o.key === 'ModelRatio')!.value)[MODEL]).toBe(3.5);

    const { usage } = await relayCall(rootKey, 'Bill this one with the new ratio.');
    const expected = computeQuota(
      { promptTokens: usage.prompt_tokens, completionTokens: usage.completion_tokens },
      resolveModelPrice(
        { modelRatio: { [MODEL]: 3.5 }, completionRatio: defaultCompletionRatios(), groupRatio: {} },
        MODEL,
      ),
      1,
    );
    await page.getByTestId('nav-logs').click();
    await page.waitForURL('**/logs/');
    // the newest consume log is billed at the new ratio (the list refreshes when the page opens)
    const newest = page.getByTestId('logs-table').locator('tbody tr').first().getByTestId('log-cost');
    await page
      .getByTestId('logs-table')
      .locator(`[data-testid="log-cost"][data-quota="${expected}"]`)
      .waitFor();
    expect(Number(await newest.getAttribute('data-quota'))).toBe(expected);
    expect((await newest.innerText()).trim()).toBe(usd(expected));
    await page.getByTestId('nav-settings').click();
    for (const tab of ['login', 'smtp', 'oauth', 'quota', 'operations', 'general']) {
      await page.getByTestId(`settings-tab-${tab}`).click();
      await page.getByTestId(`settings-save-${tab}`).waitFor();
    }
    await shot('settings-general');
  });

  it('looks up the cost of a request by its id', async () => {
    const requestId = requestIds[requestIds.length - 1];
    await page.getByTestId('nav-cost').click();
    await page.waitForURL('**/cost/');
    await page.getByTestId('cost-request-id').fill(requestId);
    await page.getByTestId('cost-submit').click();
    const shown = page.getByTestId('cost-usd');
    await shown.waitFor();
    const cost = (await t.http.get(`/api/cost/request/${requestId}`)).body;
    expect((await shown.innerText()).trim()).toBe(usd(cost.quota));
    await shot('cost-lookup');
  });

  it('generates redemption codes', async () => {
    await page.getByTestId('nav-redemptions').click();
    await page.waitForURL('**/redemptions/');
    await page.getByTestId('redemption-create').click();
    await page.getByTestId('redemption-name').fill('e2e codes');
    await page.getByTestId('redemption-count').fill('2');
    await page.getByTestId('redemption-submit').click();
    const codes = (await page.getByTestId('redemption-codes').innerText()).trim().split('\n');
    expect(codes).toHaveLength(2);
    codes.forEach((c) => expect(c).toMatch(/^[0-9a-f]{32}$/));
    await shot('redemption-codes');
    await page.keyboard.press('Escape');
    await expect(page.getByTestId('redemptions-table').locator('tbody tr').count()).resolves.toBe(2);
    await shot('redemptions');
  });

  it('creates a user who then sees only their own keys and logs', async () => {
    await page.getByTestId('nav-users').click();
    await page.waitForURL('**/users/');
    await page.getByTestId('user-create').click();
    await page.getByTestId('user-username').fill('alice');
    await page.getByTestId('user-password').fill('alice-pass-1');
    await page.getByTestId('user-quota').fill('5000000');
    await shot('user-form');
    await page.getByTestId('user-submit').click();
    await page.getByTestId('users-table').locator('tbody tr', { hasText: 'alice' }).waitFor();
    await shot('users');
    await page.getByTestId('nav-profile').click();
    await page.waitForURL('**/profile/');
    await page.getByTestId('profile-username').filter({ hasText: 'root' }).waitFor();
    await shot('profile');

    await signOut(page);
    await signIn(page, 'alice', 'alice-pass-1');
    // a common user gets no admin pages
    for (const admin of ['nav-channels', 'nav-users', 'nav-settings', 'nav-redemptions']) {
      expect(await page.getByTestId(admin).count()).toBe(0);
    }
    await page.getByTestId('nav-keys').click();
    await page.waitForURL('**/keys/');
    await page.getByTestId('keys-table').waitFor();
    await page.getByText('Nothing here yet').waitFor();
    expect(await page.getByText('e2e key').count()).toBe(0);
    await page.getByTestId('key-create').click();
    await page.getByTestId('key-name').fill('alice key');
    await page.getByTestId('key-submit').click();
    const aliceKey = (await page.getByTestId('created-key').innerText()).trim();
    await page.keyboard.press('Escape');
    await page.getByTestId('keys-table').locator('tbody tr', { hasText: 'alice key' }).waitFor();
    expect(await page.getByTestId('keys-table').locator('tbody tr').count()).toBe(1);
    await shot('user-keys');

    await relayCall(aliceKey, 'Alice says hi.');
    await page.getByTestId('nav-logs').click();
    await page.waitForURL('**/logs/');
    const rows = page.getByTestId('logs-table').locator('tbody tr');
    await rows.first().waitFor();
    // root made two calls and alice one: alice sees only hers
    expect(await rows.count()).toBe(1);
    await expect(rows.first().innerText()).resolves.toContain('alice key');
    expect(await page.getByText('e2e key').count()).toBe(0);
    await shot('user-logs');
  });

  it('switches to Chinese and the dark theme, and fits a phone screen', async () => {
    await page.getByTestId('nav-overview').click();
    await page.waitForURL('**/overview/');
    await page.getByTestId('lang-switch').getByText('中文').click();
    await page.getByTestId('nav-overview').filter({ hasText: '数据看板' }).waitFor();
    await page.getByTestId('theme-toggle').click();
    await page.waitForFunction("document.documentElement.dataset.mantineColorScheme === 'dark'");
    await shot('dashboard-zh-dark');
    await page.setViewportSize({ width: 390, height: 844 });
    // the navigation folds behind the burger button
    await page.getByRole('button', { name: '菜单' }).waitFor();
    const overflow = await page.evaluate<number>('document.documentElement.scrollWidth - window.innerWidth');
    expect(overflow).toBeLessThanOrEqual(0);
    await shot('dashboard-phone');
    await page.getByRole('button', { name: '菜单' }).click();
    await page.getByTestId('nav-logs').click();
    await page.waitForURL('**/logs/');
    await shot('logs-phone');
  });

  it('shows the sign-up and password reset pages to visitors', async () => {
    const visitor = await newContext();
    const p = await watchedPage(visitor);
    await p.goto('/register/');
    await p.getByRole('button', { name: 'Create account' }).waitFor();
    await shot('register', p);
    await p.goto('/login/');
    await p.getByRole('link', { name: 'Forgot the password?' }).click();
    await p.waitForURL('**/reset/');
    await p.getByRole('button', { name: 'Send the link' }).waitFor();
    await shot('reset-request', p);
    await visitor.close();
  });
});
