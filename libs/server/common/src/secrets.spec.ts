import bcrypt from 'bcryptjs';
import { generateTokenKey, hashPassword, randomAlnum, verifyPassword } from './secrets';

describe('secrets', () => {
  it('generates One API shaped keys', () => {
    const keys = new Set(Array.from({ length: 200 }, () => generateTokenKey()));
    expect(keys.size).toBe(200);
    for (const key of keys) {
      expect(key).toMatch(/^[0-9a-zA-Z]{48}$/);
      // The UUID half: every even-indexed letter upper case, the version nibble "4" at its 13th char.
      const uuid = key.slice(16);
      expect(uuid[12]).toBe('4');
      uuid.split('').forEach((c, i) => {
        if (i % 2 === 0) expect(c).not.toMatch(/[a-z]/);
      });
    }
  });

  it('hashes passwords with bcrypt cost 10 in the $2a$ form', async () => {
    const hash = await hashPassword('123456');
    expect(hash.startsWith('$2a$10$')).toBe(true);
    expect(await verifyPassword('123456', hash)).toBe(true);
    expect(await verifyPassword('1234567', hash)).toBe(false);
  });

  it('verifies hashes written by Go (bcrypt $2a$10$)', async () => {
    const goHash = bcrypt.hashSync('123456', bcrypt.genSaltSync(10).replace('$2b$', '$2a$'));
    expect(await verifyPassword('123456', goHash)).toBe(true);
    expect(await verifyPassword('x', null)).toBe(false);
    expect(await verifyPassword('x', 'not-a-hash')).toBe(false);
  });

  it('draws alphanumerics', () => {
    expect(randomAlnum(64)).toMatch(/^[0-9a-zA-Z]{64}$/);
  });
});
