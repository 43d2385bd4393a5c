import request from 'supertest';
import { startTestApp, TestApp } from './harness';
import { setOption } from './relay-fixtures';
import { MailboxHandle, startMailbox } from './sign-in-fixtures';

type Agent = ReturnType<typeof request.agent>;

/**
 * Registration with an emailed verification code, the email-domain allow-list, password reset by emailed link and
 * email binding, against a real SMTP server (`smtp-server`, AUTH required) on loopback.
 */
describe('sign-in by email against a real SMTP server', () => {
  let t: TestApp;
  let mailbox: MailboxHandle;
  let root: Agent;

  beforeAll(async () => {
    t = await startTestApp();
    mailbox = await startMailbox();
    root = await t.login('root', '123456');
    await setOption(root, 'ServerAddress', t.url);
    await setOption(root, 'SystemName', 'Gateway Test');
    await setOption(root, 'SMTPServer', mailbox.host);
    await setOption(root, 'SMTPPort', String(mailbox.port));
    await setOption(root, 'SMTPAccount', mailbox.account);
    await setOption(root, 'SMTPToken', mailbox.password);
    await setOption(root, 'SMTPFrom', 'noreply@gateway.example.org');
    await setOption(root, 'EmailVerificationEnabled', 'true');
    await setOption(root, 'EmailDomainWhitelist', 'example.org,corp.example.org');
    await setOption(root, 'EmailDomainRestrictionEnabled', 'true');
  });

  afterAll(async () => {
    await mailbox?.close();
    await t?.close();
  });

  const codeIn = (text: string | undefined) => /\b(\d{6})\b/.exec(text ?? '')?.[1];

  it('registers with the code mailed to an allowed address, once', async () => {
    const refused = await t.http.get('/api/verification').query({ email: 'someone@gmail.com' });
    expect(refused.status).toBe(400);
    expect(refused.body.message).toMatch(/only allows email addresses of these domains/);

    const sent = await t.http.get('/api/verification').query({ email: 'Dana@Example.org' });
    expect(sent.status).toBe(200);
    expect(sent.body).toEqual({ success: true, message: '' });
    const mail = await mailbox.waitFor('dana@example.org');
    expect(mail.subject).toBe('Gateway Test email verification');
    expect(mail.from?.value[0]).toMatchObject({
      address: 'noreply@gateway.example.org',
      name: 'Gateway Test',
    });
    const code = codeIn(mail.text);
    expect(code).toMatch(/^\d{6}$/);
    expect(mail.html).toContain(code);

    const again = await t.http.get('/api/verification').query({ email: 'dana@example.org' });
    expect(again.status).toBe(429); // resend cooldown

    const base = { username: 'dana', password: 'dana-password-1', email: 'dana@example.org' };
    const noCode = await t.http.post('/api/user/register').send(base);
    expect(noCode.status).toBe(400);
    const wrong = await t.http
      .post('/api/user/register')
      .send({ ...base, verification_code: code === '000000' ? '000001' : '000000' });
    expect(wrong.status).toBe(400);
    expect(wrong.body.message).toBe('Invalid or expired verification code');
    const otherDomain = await t.http
      .post('/api/user/register')
      .send({ ...base, email: 'dana@gmail.com', verification_code: code });
    expect(otherDomain.status).toBe(400);

    const ok = await t.http.post('/api/user/register').send({ ...base, verification_code: code });
    expect(ok.status).toBe(200);
    expect(ok.body).toEqual({ success: true, message: '' });
    const [row] = await t.dataSource.query("SELECT id, email FROM users WHERE username = 'dana'");
    expect(row.email).toBe('dana@example.org');
    expect(await t.dataSource.query('SELECT name FROM tokens WHERE user_id = ?', [row.id])).toEqual([
      { name: 'default' },
    ]);
    await t.login('dana', 'dana-password-1');

    const replay = await t.http
      .post('/api/user/register')
      .send({ ...base, username: 'dana2', verification_code: code });
    expect(replay.status).toBe(400);

    const taken = await t.http.get('/api/verification').query({ email: 'dana@example.org' });
    expect(taken.status).toBe(409);
  });

  it('resets a password through the mailed link and signs every old session out', async () => {
    const oldSession = await t.login('dana', 'dana-password-1');
    expect((await oldSession.get('/api/user/self')).status).toBe(200);

    const asked = await t.http.get('/api/reset_password').query({ email: 'dana@example.org' });
    expect(asked.status).toBe(200);
    const mail = await mailbox.waitFor('dana@example.org');
    expect(mail.subject).toBe('Gateway Test password reset');
    const link = new URL(/(http:\/\/\S+\/user\/reset\?\S+)/.exec(mail.text ?? '')![1]);
    expect(link.origin).toBe(t.url);
    expect(link.searchParams.get('email')).toBe('dana@example.org');
    const token = link.searchParams.get('token')!;
    expect(token).toMatch(/^[A-Za-z0-9]{32}$/);

    const forged = await t.http
      .post('/api/user/reset')
      .send({ email: 'dana@example.org', token: 'x'.repeat(32) });
    expect(forged.status).toBe(400);

    const reset = await t.http.post('/api/user/reset').send({ email: 'dana@example.org', token });
    expect(reset.status).toBe(200);
    const newPassword = reset.body.data as string;
    expect(newPassword).toMatch(/^[A-Za-z0-9]{12}$/);

    expect((await oldSession.get('/api/user/self')).status).toBe(401);
    expect(
      (await t.http.post('/api/user/login').send({ username: 'dana', password: 'dana-password-1' })).status,
    ).toBe(401);
    await t.login('dana', newPassword);
    await t.login('dana@example.org', newPassword); // sign-in by email, as One API

    const reused = await t.http.post('/api/user/reset').send({ email: 'dana@example.org', token });
    expect(reused.status).toBe(400);
  });

  it('answers a reset request for an unknown address like any other, without sending mail', async () => {
    const res = await t.http.get('/api/reset_password').query({ email: 'nobody@example.org' });
    expect(res.status).toBe(200);
    await expect(mailbox.waitFor('nobody@example.org', 500)).rejects.toThrow(/no mail/);
  });

  it('binds a verified address to a signed-in user', async () => {
    await root.post('/api/user/').send({ username: 'erin', password: 'erin-password-1' }).expect(200);
    const erin = await t.login('erin', 'erin-password-1');
    await t.http.get('/api/verification').query({ email: 'erin@corp.example.org' }).expect(200);
    const code = codeIn((await mailbox.waitFor('erin@corp.example.org')).text)!;
    expect(
      (await erin.get('/api/oauth/email/bind').query({ email: 'erin@corp.example.org', code: '1' })).status,
    ).toBe(400);
    await erin.get('/api/oauth/email/bind').query({ email: 'erin@corp.example.org', code }).expect(200);
    expect((await erin.get('/api/user/self')).body.data.email).toBe('erin@corp.example.org');
  });

  it('reports a mail server that refuses the credentials', async () => {
    await setOption(root, 'SMTPToken', 'wrong-password');
    try {
      const res = await t.http.get('/api/verification').query({ email: 'fay@example.org' });
      expect(res.status).toBe(502);
      expect(res.body.message).toMatch(/could not be sent/);
    } finally {
      await setOption(root, 'SMTPToken', mailbox.password);
    }
  });
});
