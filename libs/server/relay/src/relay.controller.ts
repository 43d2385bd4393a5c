import { Controller, Param, Post, Req, Res } from '@nestjs/common';
import type { Request, Response } from 'express';
import { ENDPOINTS } from './relay-endpoints';
import { RelayService } from './relay.service';

/** OpenAI-format relay endpoints. Handlers write the response themselves so streams go out chunk by chunk. */
@Controller()
export class RelayController {
  constructor(private readonly relay: RelayService) {}

  @Post('v1/chat/completions')
  chat(@Req() req: Request, @Res() res: Response): Promise<void> {
    return this.relay.handle(req, res, ENDPOINTS.chat);
  }

  @Post('v1/completions')
  completions(@Req() req: Request, @Res() res: Response): Promise<void> {
    return this.relay.handle(req, res, ENDPOINTS.completions);
  }

  @Post('v1/embeddings')
  embeddings(@Req() req: Request, @Res() res: Response): Promise<void> {
    return this.relay.handle(req, res, ENDPOINTS.embeddings);
  }

  @Post('v1/engines/:model/embeddings')
  engineEmbeddings(@Param('model') model: string, @Req() req: Request, @Res() res: Response): Promise<void> {
    return this.relay.handle(req, res, ENDPOINTS.embeddings, model);
  }

  @Post('v1/moderations')
  moderations(@Req() req: Request, @Res() res: Response): Promise<void> {
    return this.relay.handle(req, res, ENDPOINTS.moderations);
  }
}
