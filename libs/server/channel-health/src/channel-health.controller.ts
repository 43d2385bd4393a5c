import { Controller, Get, Param, ParseIntPipe, Query, Res } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import type { Response } from 'express';
import { Repository } from 'typeorm';
import { ChannelStatus } from '@one-api/contracts';
import { defaultBaseUrl } from '@one-api/llm-providers';
import { AdminAuth } from '@one-api/server-auth';
import { ChangeBus, badRequest, notFound, pageWindow, unixNow } from '@one-api/server-common';
import { Channel } from '@one-api/server-db';
import { JobQueue } from '@one-api/server-queue';
import { UpstreamClient } from '@one-api/server-relay';
import { balanceSupported, fetchBalance } from './balance';
import { ChannelTester } from './channel-tester.service';

const idPipe = new ParseIntPipe({ exceptionFactory: () => badRequest('id must be an integer') });
const STATUS_NAMES: Record<number, string> = {
  [ChannelStatus.Enabled]: 'enabled',
  [ChannelStatus.ManuallyDisabled]: 'manually_disabled',
  [ChannelStatus.AutoDisabled]: 'auto_disabled',
};
const STATUS_PAGE_SIZE = 6;

/** Channel tests and balances (admins): One API's flat answers, not the envelope. */
@Controller('api/channel')
@AdminAuth()
export class ChannelHealthController {
  constructor(
    private readonly tester: ChannelTester,
    private readonly queue: JobQueue,
    private readonly upstream: UpstreamClient,
    private readonly bus: ChangeBus,
    @InjectRepository(Channel) private readonly channels: Repository<Channel>,
  ) {}

  /** Starts a background test of all channels (`scope=all`, default) or only the disabled ones. */
  @Get('test')
  async testAll(@Query('scope') scope?: string) {
    const s =
      scope === 'disabled'
        ? 'disabled'
        : scope === undefined || scope === '' || scope === 'all'
          ? 'all'
          : null;
    if (!s) throw badRequest('scope must be all or disabled');
    await this.queue.add('channel-test-sweep', { scope: s }, { key: `channel-test-sweep:${s}`, attempts: 1 });
    return { success: true, message: '' };
  }

  /** `{success, message, time, modelName}` with HTTP 200 whatever the test result (One API's shape). */
  @Get('test/:id')
  async testOne(@Param('id', idPipe) id: number, @Query('model') model?: string) {
    const result = await this.tester.test(id, typeof model === 'string' && model ? model : undefined);
    if (!result) throw notFound('Channel not found');
    return result;
  }

  @Get('update_balance')
  async updateAllBalances() {
    const rows = await this.channels.find({ where: { status: ChannelStatus.Enabled } });
    let updated = 0;
    for (const channel of rows) {
      if (!balanceSupported(channel.type)) continue;
      try {
        await this.storeBalance(channel, await fetchBalance(channel, this.upstream, defaultBaseUrl));
        updated++;
      } catch {
        // One API skips channels whose balance cannot be read
      }
    }
    return { success: true, message: '', data: updated };
  }

  @Get('update_balance/:id')
  async updateBalance(@Param('id', idPipe) id: number, @Res({ passthrough: true }) res: Response) {
    const channel = await this.channels.findOneBy({ id });
    if (!channel) throw notFound('Channel not found');
    try {
      const balance = await fetchBalance(channel, this.upstream, defaultBaseUrl);
      await this.storeBalance(channel, balance);
      return { success: true, message: '', balance };
    } catch (error) {
      res.status(200);
      return { success: false, message: (error as Error).message, balance: 0 };
    }
  }

  private async storeBalance(channel: Channel, balance: number): Promise<void> {
    await this.channels.update({ id: channel.id }, { balance, balanceUpdatedTime: unixNow() });
    this.bus.publish('channels', [channel.id]);
  }
}

/** Public channel health page data (no names of keys or URLs). */
@Controller('api/status')
export class ChannelStatusController {
  constructor(@InjectRepository(Channel) private readonly channels: Repository<Channel>) {}

  @Get('channel')
  async channelStatus(@Query('p') p?: string, @Query('size') size?: string) {
    const window = pageWindow({ p, size: size ?? String(STATUS_PAGE_SIZE) }, 100);
    const [rows, total] = await this.channels.findAndCount({
      select: { id: true, name: true, status: true, responseTime: true, testTime: true, createdTime: true },
      order: { id: 'ASC' },
      skip: window.skip,
      take: window.size,
    });
    return {
      success: true,
      message: '',
      data: rows.map((c) => ({
        name: c.name ?? '',
        status: STATUS_NAMES[c.status] ?? 'unknown',
        enabled: c.status === ChannelStatus.Enabled,
        response: {
          response_time_ms: Number(c.responseTime ?? 0),
          test_time: Number(c.testTime ?? 0),
          created_time: Number(c.createdTime ?? 0),
        },
      })),
      total,
    };
  }
}
