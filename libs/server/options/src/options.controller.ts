import { Body, Controller, Get, Put } from '@nestjs/common';
import { AdminAuth, RootAuth } from '@one-api/server-auth';
import { badRequest, Envelope, ok } from '@one-api/server-common';
import { isSecretOption } from './option-defaults';
import { UpdateOptionDto } from './option.dto';
import { optionValueString, validateOptionUpdate } from './option-validation';
import { OptionsService } from './options.service';

/** GET/PUT /api/option: root reads every non-secret option and writes any known one. */
@Controller('api/option')
@RootAuth()
export class OptionsController {
  constructor(private readonly options: OptionsService) {}

  @Get()
  list(): Envelope<Array<{ key: string; value: string }>> {
    return ok(this.options.all().filter((o) => !isSecretOption(o.key)));
  }

  @Put()
  async update(@Body() body: UpdateOptionDto): Promise<Envelope> {
    const value = optionValueString(body.value);
    const error = validateOptionUpdate(body.key, value, this.options);
    if (error) throw badRequest(error);
    await this.options.set(body.key, value);
    return ok();
  }
}

/** GET /api/group: the user groups an admin can assign, i.e. the keys of GroupRatio. */
@Controller('api/group')
export class GroupsController {
  constructor(private readonly options: OptionsService) {}

  @Get()
  @AdminAuth()
  list(): Envelope<string[]> {
    const ratios = this.options.getJson<unknown>('GroupRatio', {});
    return ok(ratios && typeof ratios === 'object' && !Array.isArray(ratios) ? Object.keys(ratios) : []);
  }
}
