import { Controller, Get } from '@nestjs/common';
import { BUILT_IN_MODELS } from '@one-api/contracts';
import { AdminAuth } from '@one-api/server-auth';
import { ok } from '@one-api/server-common';

/** GET /api/models: the built-in model ids of every channel type in the catalogue, keyed by type. */
@Controller('api/models')
@AdminAuth()
export class ModelsController {
  @Get()
  list() {
    const byType: Record<string, string[]> = {};
    for (const [type, models] of Object.entries(BUILT_IN_MODELS)) byType[type] = [...models];
    return ok(byType);
  }
}
