import { Controller, Post, Req, Res } from '@nestjs/common';
import type { Request, Response } from 'express';
import { RatioTablesService } from '@one-api/server-billing';
import { AppConfig } from '@one-api/server-config';
import { RelayAuthService } from '../relay-auth.service';
import { sendRelayError } from '../relay-error';
import { newRequestId } from '../request-id';
import { speechJob, transcriptionJob } from './audio-jobs';
import { imageEditJob, imageGenerationJob } from './image-jobs';
import { MediaRelayService } from './media-relay.service';
import { rerankJob } from './rerank-job';

/** Images, audio and rerank: OpenAI's (and Cohere/Jina's) endpoints whose bodies have no canonical form. */
@Controller()
export class MediaController {
  private readonly maxUploadBytes: number;

  constructor(
    private readonly media: MediaRelayService,
    private readonly auth: RelayAuthService,
    private readonly ratios: RatioTablesService,
    config: AppConfig,
  ) {
    this.maxUploadBytes = config.maxUploadSizeMb * 1024 * 1024;
  }

  @Post('v1/images/generations')
  imageGenerations(@Req() req: Request, @Res() res: Response): Promise<void> {
    return this.media.handle(req, res, imageGenerationJob(req, this.ratios));
  }

  @Post('v1/images/edits')
  imageEdits(@Req() req: Request, @Res() res: Response): Promise<void> {
    return this.media.handle(req, res, imageEditJob(req, this.ratios, this.maxUploadBytes));
  }

  /**
   * Not offered, as in One API: answered 501 in OpenAI's error shape without reading the upload — after the API key
   * was checked, as One API's key middleware does first (a bad key is a 401 here as on every relay route).
   */
  @Post('v1/images/variations')
  async imageVariations(@Req() req: Request, @Res() res: Response): Promise<void> {
    const requestId = (res.locals.requestId as string | undefined) || newRequestId();
    res.setHeader('X-Oneapi-Request-Id', requestId);
    res.setHeader('Connection', 'close');
    req.resume();
    try {
      await this.auth.authenticate(req);
    } catch (error) {
      sendRelayError(res, error);
      return;
    }
    res.status(501).json({
      error: {
        message: `API not implemented (request id: ${requestId})`,
        type: 'one_api_error',
        param: null,
        code: 'api_not_implemented',
      },
    });
  }

  @Post('v1/audio/speech')
  speech(@Req() req: Request, @Res() res: Response): Promise<void> {
    return this.media.handle(req, res, speechJob(req, this.ratios));
  }

  @Post('v1/audio/transcriptions')
  transcriptions(@Req() req: Request, @Res() res: Response): Promise<void> {
    return this.media.handle(
      req,
      res,
      transcriptionJob(req, this.ratios, this.maxUploadBytes, 'transcriptions'),
    );
  }

  @Post('v1/audio/translations')
  translations(@Req() req: Request, @Res() res: Response): Promise<void> {
    return this.media.handle(
      req,
      res,
      transcriptionJob(req, this.ratios, this.maxUploadBytes, 'translations'),
    );
  }

  @Post(['v1/rerank', 'v2/rerank'])
  rerank(@Req() req: Request, @Res() res: Response): Promise<void> {
    return this.media.handle(req, res, rerankJob(req, this.ratios));
  }
}
