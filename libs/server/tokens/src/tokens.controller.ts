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
import { AuthUser, CurrentUser, UserAuth } from '@one-api/server-auth';
import { badRequest, ok, page, pageWindow } from '@one-api/server-common';
import { AppConfig } from '@one-api/server-config';
import { CreateTokenDto, UpdateTokenDto } from './tokens.dto';
import { TokensService } from './tokens.service';

const idPipe = new ParseIntPipe({ exceptionFactory: () => badRequest('id must be an integer') });

/** One API's /api/token: a signed-in user manages their own API keys only. */
@Controller('api/token')
@UserAuth()
export class TokensController {
  constructor(
    private readonly tokens: TokensService,
    private readonly config: AppConfig,
  ) {}

  @Get()
  async list(
    @CurrentUser() user: AuthUser,
    @Query('p') p?: string,
    @Query('size') size?: string,
    @Query('order') order?: string,
  ) {
    const window = pageWindow({ p, size }, this.config.maxItemsPerPage);
    const [rows, total] = await this.tokens.list(user.id, window, order);
    return page(
      rows.map((t) => this.tokens.toDto(t)),
      total,
    );
  }

  @Get('search')
  async search(
    @CurrentUser() user: AuthUser,
    @Query('keyword') keyword?: string,
    @Query('p') p?: string,
    @Query('size') size?: string,
  ) {
    const window = pageWindow({ p, size }, this.config.maxItemsPerPage);
    const [rows, total] = await this.tokens.search(
      user.id,
      typeof keyword === 'string' ? keyword : '',
      window,
    );
    return page(
      rows.map((t) => this.tokens.toDto(t)),
      total,
    );
  }

  @Get(':id')
  async get(@CurrentUser() user: AuthUser, @Param('id', idPipe) id: number) {
    return ok(this.tokens.toDto(await this.tokens.get(user.id, id)));
  }

  @Post()
  @HttpCode(200)
  async create(@CurrentUser() user: AuthUser, @Body() dto: CreateTokenDto) {
    return ok(this.tokens.toDto(await this.tokens.create(user.id, dto)));
  }

  @Put()
  async update(
    @CurrentUser() user: AuthUser,
    @Body() dto: UpdateTokenDto,
    @Query('status_only') statusOnly?: string,
  ) {
    if (statusOnly) {
      if (dto.status === undefined) throw badRequest('status is required');
      return ok(this.tokens.toDto(await this.tokens.updateStatus(user.id, dto.id, dto.status)));
    }
    const { id, status: _ignored, ...patch } = dto;
    return ok(this.tokens.toDto(await this.tokens.update(user.id, id, patch)));
  }

  @Delete(':id')
  async remove(@CurrentUser() user: AuthUser, @Param('id', idPipe) id: number) {
    await this.tokens.delete(user.id, id);
    return ok();
  }
}
