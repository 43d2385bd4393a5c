import { Controller, Param, Post, Req, Res } from '@nestjs/common';
import type { Request, Response } from 'express';
import { anthropicMessagesCodec, countAnthropicMessagesTokens } from '@one-api/llm-codecs';
import { GatewayError, isGatewayError } from '@one-api/llm-core';
import { RelayAuthService } from './relay-auth.service';
import { RelayError } from './relay-error';
import { ENDPOINTS } from './relay-endpoints';
import { RelayService } from './relay.service';

/** OpenAI-format relay endpoints. Handlers write the response themselves so streams go out chunk by chunk. */
@Controller()
export class RelayController {
  constructor(
    private readonly relay: RelayService,
    private readonly auth: RelayAuthService,
  ) {}

  @Post('v1/chat/completions')
  chat(@Req() req: Request, @Res() res: Response): Promise<void> {
    return this.relay.handle(req, res, ENDPOINTS.chat);
  }

  @Post('v1/responses')
  responses(@Req() req: Request, @Res() res: Response): Promise<void> {
    return this.relay.handle(req, res, ENDPOINTS.responses);
  }

  @Post('v1/messages')
  messages(@Req() req: Request, @Res() res: Response): Promise<void> {
    return this.relay.handle(req, res, ENDPOINTS.messages);
  }

  /** Claude's token counter, answered locally (no upstream call, nothing billed). */
  @Post('v1/messages/count_tokens')
  async countTokens(@Req() req: Request, @Res() res: Response): Promise<void> {
    try {
      await this.auth.authenticate(req);
      res.status(200).json(countAnthropicMessagesTokens(req.body));
    } catch (error) {
      const gatewayError =
        error instanceof RelayError
          ? new GatewayError({
              kind: error.status === 401 ? 'auth' : 'permission',
              status: error.status,
              message: error.message,
            })
          : isGatewayError(error)
            ? error
            : new GatewayError({ kind: 'invalid-request', message: (error as Error).message });
      const encoded = anthropicMessagesCodec.encodeError(gatewayError);
      res.status(encoded.status).json(encoded.body);
    }
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
