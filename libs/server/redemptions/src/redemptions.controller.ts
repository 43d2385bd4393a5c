import {
  Body,
  Controller,
  Delete,
  Get,
  HttpCode,
  HttpStatus,
  Param,
  ParseIntPipe,
  Post,
  Put,
  Query,
} from '@nestjs/common';
import type { RedemptionDto } from '@one-api/contracts';
import { AdminAuth, AuthUser, CurrentUser, UserAuth } from '@one-api/server-auth';
import { badRequest, Envelope, ok, page, pageWindow } from '@one-api/server-common';
import { AppConfig } from '@one-api/server-config';
import {
  CreateRedemptionDto,
  PageQueryDto,
  SearchQueryDto,
  StatusOnlyQueryDto,
  TopupDto,
  toRedemptionDto,
  UpdateRedemptionDto,
} from './redemption.dto';
import { RedemptionsService } from './redemptions.service';

/** /api/redemption: admins manage redemption codes. */
@Controller('api/redemption')
@AdminAuth()
export class RedemptionsController {
  constructor(
    private readonly redemptions: RedemptionsService,
    private readonly config: AppConfig,
  ) {}

  @Get()
  async list(@Query() q: PageQueryDto): Promise<Envelope<RedemptionDto[]>> {
    const [rows, total] = await this.redemptions.list(pageWindow(q, this.config.maxItemsPerPage));
    return page(rows.map(toRedemptionDto), total);
  }

  @Get('search')
  async search(@Query() q: SearchQueryDto): Promise<Envelope<RedemptionDto[]>> {
    const [rows, total] = await this.redemptions.search(
      q.keyword ?? '',
      pageWindow(q, this.config.maxItemsPerPage),
    );
    return page(rows.map(toRedemptionDto), total);
  }

  @Get(':id')
  async get(@Param('id', ParseIntPipe) id: number): Promise<Envelope<RedemptionDto>> {
    return ok(toRedemptionDto(await this.redemptions.get(id)));
  }

  @Post()
  @HttpCode(HttpStatus.OK)
  async create(
    @CurrentUser() user: AuthUser,
    @Body() body: CreateRedemptionDto,
  ): Promise<Envelope<string[]>> {
    return ok(await this.redemptions.create(user.id, body.name, body.quota, body.count));
  }

  @Put()
  async update(
    @Query() q: StatusOnlyQueryDto,
    @Body() body: UpdateRedemptionDto,
  ): Promise<Envelope<RedemptionDto>> {
    const statusOnly = !!q.status_only;
    if (statusOnly && body.status === undefined) throw badRequest('status is required');
    const changes = statusOnly ? { status: body.status } : { name: body.name, quota: body.quota };
    return ok(toRedemptionDto(await this.redemptions.update(body.id, changes)));
  }

  @Delete(':id')
  async remove(@Param('id', ParseIntPipe) id: number): Promise<Envelope> {
    await this.redemptions.remove(id);
    return ok();
  }
}

/** POST /api/user/topup: a user redeems a code; `data` is the quota added. */
@Controller('api/user')
export class TopupController {
  constructor(private readonly redemptions: RedemptionsService) {}

  @Post('topup')
  @HttpCode(HttpStatus.OK)
  @UserAuth()
  async topup(@CurrentUser() user: AuthUser, @Body() body: TopupDto): Promise<Envelope<number>> {
    return ok(await this.redemptions.redeem(user, body.key));
  }
}
