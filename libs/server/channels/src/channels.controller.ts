import {
  Body,
  Controller,
  Delete,
  Get,
  HttpCode,
  Param,
  ParseIntPipe,
  Post,
  Put,
  Query,
} from '@nestjs/common';
import { catalogueModels, ChannelStatus } from '@one-api/contracts';
import { AdminAuth } from '@one-api/server-auth';
import { badRequest, ok, page, pageWindow } from '@one-api/server-common';
import { AppConfig } from '@one-api/server-config';
import { CreateChannelDto, UpdateChannelDto } from './channels.dto';
import { ChannelsService } from './channels.service';

const idPipe = new ParseIntPipe({ exceptionFactory: () => badRequest('id must be an integer') });
const STATUS_VALUES: number[] = [
  ChannelStatus.Enabled,
  ChannelStatus.ManuallyDisabled,
  ChannelStatus.AutoDisabled,
];

/** The `created` timestamp One API gives every built-in model. */
export const MODEL_CREATED = 1626777600;

/** The whole built-in catalogue as an OpenAI model list. */
export function catalogueModelList() {
  return {
    object: 'list' as const,
    data: catalogueModels().map((m) => ({
      id: m.id,
      object: 'model' as const,
      created: MODEL_CREATED,
      owned_by: m.ownedBy,
      permission: [] as unknown[],
      root: m.id,
      parent: null,
    })),
  };
}

/** One API's /api/channel (admins): upstream channels; their keys are write-only. */
@Controller('api/channel')
@AdminAuth()
export class ChannelsController {
  constructor(
    private readonly channels: ChannelsService,
    private readonly config: AppConfig,
  ) {}

  @Get()
  async list(@Query('p') p?: string, @Query('size') size?: string) {
    const [rows, total] = await this.channels.list(pageWindow({ p, size }, this.config.maxItemsPerPage));
    return page(
      rows.map((c) => this.channels.toDto(c)),
      total,
    );
  }

  @Get('search')
  async search(@Query('keyword') keyword?: string, @Query('p') p?: string, @Query('size') size?: string) {
    const window = pageWindow({ p, size }, this.config.maxItemsPerPage);
    const [rows, total] = await this.channels.search(typeof keyword === 'string' ? keyword : '', window);
    return page(
      rows.map((c) => this.channels.toDto(c)),
      total,
    );
  }

  /** No envelope: an OpenAI-style model list of the built-in catalogue. */
  @Get('models')
  models() {
    return catalogueModelList();
  }

  @Get(':id')
  async get(@Param('id', idPipe) id: number) {
    return ok(this.channels.toDto(await this.channels.get(id)));
  }

  /** One API answers without data; here data = the ids of the created channels (one per key line). */
  @Post()
  @HttpCode(200)
  async create(@Body() dto: CreateChannelDto) {
    return ok(await this.channels.create(dto));
  }

  @Put()
  async update(@Body() dto: UpdateChannelDto, @Query('status_only') statusOnly?: string) {
    if (statusOnly) {
      if (dto.status === undefined || !STATUS_VALUES.includes(dto.status)) {
        throw badRequest(`status must be one of ${STATUS_VALUES.join(', ')}`);
      }
      return ok(this.channels.toDto(await this.channels.updateStatus(dto.id, dto.status)));
    }
    return ok(this.channels.toDto(await this.channels.update(dto)));
  }

  /** Deletes every disabled channel (status 2 or 3); data = how many. */
  @Delete('disabled')
  async removeDisabled() {
    return ok(await this.channels.deleteDisabled());
  }

  @Delete(':id')
  async remove(@Param('id', idPipe) id: number) {
    await this.channels.delete(id);
    return ok();
  }
}
