import { Logger } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { dashlessUuid, hashPassword, unixNow } from '@one-api/server-common';
import { Token, User } from './entities';

export const ROOT_INITIAL_QUOTA = 500000000000000;

/** As One API's CreateRootAccountIfNeed: only an empty users table gets root/123456. */
export async function seedRootAccountIfNeeded(
  dataSource: DataSource,
  opts: { initialRootAccessToken?: string; initialRootToken?: string },
): Promise<boolean> {
  const users = dataSource.getRepository(User);
  if ((await users.count()) > 0) return false;
  const root = users.create({
    username: 'root',
    password: await hashPassword('123456'),
    displayName: 'Root User',
    role: 100,
    status: 1,
    email: '',
    quota: ROOT_INITIAL_QUOTA,
    usedQuota: 0,
    requestCount: 0,
    group: 'default',
    affCode: '',
    accessToken: opts.initialRootAccessToken || dashlessUuid(),
  });
  let saved: User;
  try {
    saved = await users.save(root);
  } catch (error) {
    // Another replica starting at the same moment created root first (users.username is unique).
    if ((await users.count()) > 0) return false;
    throw error;
  }
  if (opts.initialRootToken) {
    const now = unixNow();
    await dataSource.getRepository(Token).save({
      userId: saved.id,
      key: opts.initialRootToken.replace(/^sk-/, ''),
      status: 1,
      name: 'Initial Root Token',
      createdTime: now,
      accessedTime: now,
      expiredTime: -1,
      remainQuota: ROOT_INITIAL_QUOTA,
      unlimitedQuota: true,
      usedQuota: 0,
      models: null,
      subnet: '',
    });
  }
  new Logger('Seed').warn(
    'Created the root account (username root, password 123456): change the password now.',
  );
  return true;
}
