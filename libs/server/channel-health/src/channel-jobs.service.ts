import { Injectable, Logger, OnApplicationBootstrap, OnModuleInit } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { In, Repository } from 'typeorm';
import { ChannelStatus } from '@one-api/contracts';
import { AppConfig } from '@one-api/server-config';
import { Channel } from '@one-api/server-db';
import { JobQueue, JobRegistry } from '@one-api/server-queue';
import { ChannelTester } from './channel-tester.service';

const SCOPES: Record<'all' | 'disabled' | 'auto-disabled', number[] | null> = {
  all: null,
  disabled: [ChannelStatus.ManuallyDisabled, ChannelStatus.AutoDisabled],
  'auto-disabled': [ChannelStatus.AutoDisabled],
};

/**
 * The channel jobs: `channel-test` (one channel) and `channel-test-sweep` (every channel in a scope, one after the
 * other, POLLING_INTERVAL seconds apart), scheduled every CHANNEL_TEST_FREQUENCY minutes. A sweep tests auto-disabled
 * channels too, which is how they come back (AutomaticEnableChannelEnabled).
 */
@Injectable()
export class ChannelJobs implements OnModuleInit, OnApplicationBootstrap {
  private readonly logger = new Logger('ChannelJobs');

  constructor(
    private readonly registry: JobRegistry,
    private readonly queue: JobQueue,
    private readonly tester: ChannelTester,
    private readonly config: AppConfig,
    @InjectRepository(Channel) private readonly channels: Repository<Channel>,
  ) {}

  onModuleInit(): void {
    this.registry.register('channel-test', async ({ channelId, model }) => {
      await this.tester.test(channelId, model);
    });
    this.registry.register('channel-test-sweep', async ({ scope }) => {
      await this.sweep(scope);
    });
  }

  async onApplicationBootstrap(): Promise<void> {
    if (this.config.nodeType === 'slave') return;
    try {
      if (this.config.channelTestFrequency > 0)
        await this.queue.schedule('channel-test-sweep', this.config.channelTestFrequency * 60_000, {
          scope: 'all',
        });
      else await this.queue.unschedule('channel-test-sweep');
    } catch (error) {
      this.logger.warn(`could not schedule channel tests: ${(error as Error).message}`);
    }
  }

  async sweep(scope: 'all' | 'disabled' | 'auto-disabled'): Promise<number> {
    const statuses = SCOPES[scope];
    const rows = await this.channels.find({
      select: { id: true },
      where: statuses ? { status: In(statuses) } : {},
      order: { id: 'ASC' },
    });
    for (let i = 0; i < rows.length; i++) {
      if (i > 0 && this.config.pollingInterval > 0)
        await new Promise((r) => setTimeout(r, this.config.pollingInterval * 1000));
      try {
        await this.tester.test(Number(rows[i].id));
      } catch (error) {
        this.logger.warn(`test of channel #${rows[i].id} failed to run: ${(error as Error).message}`);
      }
    }
    this.logger.log(`tested ${rows.length} channel(s) (${scope})`);
    return rows.length;
  }
}
