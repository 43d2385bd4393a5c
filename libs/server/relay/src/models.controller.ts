import { Controller, Get, Param, Req, Res } from '@nestjs/common';
import type { Request, Response } from 'express';
import { ownerOfModel } from '@one-api/contracts';
import { RelayAuthService } from './relay-auth.service';
import { RelayDirectory } from './relay-directory.service';
import { RelayError, sendRelayError } from './relay-error';

/** One API's fixed `created` stamp for model objects. */
const MODEL_CREATED = 1626777600;

function modelObject(id: string) {
  return {
    id,
    object: 'model',
    created: MODEL_CREATED,
    owned_by: ownerOfModel(id),
    permission: [],
    root: id,
    parent: null,
  };
}

/** `/v1/models`: the models this key may use (its allow-list, else everything its user's group can reach). */
@Controller('v1/models')
export class ModelsController {
  constructor(
    private readonly auth: RelayAuthService,
    private readonly directory: RelayDirectory,
  ) {}

  private async available(req: Request): Promise<string[]> {
    const principal = await this.auth.authenticate(req);
    const groupModels = await this.directory.modelsOfGroup(principal.user.group);
    const allowed = principal.token.models;
    return allowed ? groupModels.filter((m) => allowed.has(m)) : groupModels;
  }

  @Get()
  async list(@Req() req: Request, @Res() res: Response): Promise<void> {
    try {
      const models = await this.available(req);
      res.json({ object: 'list', data: models.map(modelObject) });
    } catch (error) {
      sendRelayError(res, error);
    }
  }

  @Get('*model')
  async retrieve(
    @Param('model') model: string | string[],
    @Req() req: Request,
    @Res() res: Response,
  ): Promise<void> {
    const id = Array.isArray(model) ? model.join('/') : model;
    try {
      const models = await this.available(req);
      if (!models.includes(id)) {
        throw new RelayError(
          404,
          `The model '${id}' does not exist`,
          'invalid_request_error',
          'model_not_found',
          'model',
        );
      }
      res.json(modelObject(id));
    } catch (error) {
      sendRelayError(res, error);
    }
  }
}
