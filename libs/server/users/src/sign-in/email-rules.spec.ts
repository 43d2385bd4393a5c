import { emailDomain, emailDomainAllowed } from './email-rules';

describe('email domain allow-list', () => {
  it('matches the domain exactly, case-insensitively', () => {
    expect(emailDomainAllowed('Alice@GMail.com', 'gmail.com,163.com')).toBe(true);
    expect(emailDomainAllowed('bob@mail.gmail.com', 'gmail.com')).toBe(false);
    expect(emailDomainAllowed('eve@gmail.com.evil.io', 'gmail.com')).toBe(false);
    expect(emailDomainAllowed('no-at-sign', 'gmail.com')).toBe(false);
    expect(emailDomainAllowed('x@qq.com', ' gmail.com , qq.com ')).toBe(true);
  });

  it('takes the part after the last @', () => {
    expect(emailDomain('"a@b"@Example.org')).toBe('example.org');
  });
});
