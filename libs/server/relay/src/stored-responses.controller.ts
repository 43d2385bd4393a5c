import { Controller, Delete, Get, Param, Req, Res } from '@nestjs/common';
import type { Request, Response } from 'express';
import { upstreamUrl, vendorAuthHeaders } from '@one-api/llm-providers';
import { ChannelAdapters } from './channel-adapters.service';
import { RelayAuthService } from './relay-auth.service';
import { RelayDirectory } from './relay-directory.service';
import { RelayError, sendRelayError } from './relay-error';
import { UpstreamClient } from './upstream-client.service';

/**
 * `GET` / `DELETE /v1/responses/:id`: responses stored upstream (`store: true`) live at a Responses-native channel,
 * so these calls go to the highest-priority channel of the caller's group that speaks the Responses API.
 */
@Controller('v1/responses')
export class StoredResponsesController {
  constructor(
    private readonly auth: RelayAuthService,
    private readonly directory: RelayDirectory,
    private readonly adapters: ChannelAdapters,
    private readonly upstream: UpstreamClient,
  ) {}

  @Get(':id')
  retrieve(@Param('id') id: string, @Req() req: Request, @Res() res: Response): Promise<void> {
    return this.forward('GET', id, req, res);
  }

  @Delete(':id')
  remove(@Param('id') id: string, @Req() req: Request, @Res() res: Response): Promise<void> {
    return this.forward('DELETE', id, req, res);
  }

  private async forward(method: 'GET' | 'DELETE', id: string, req: Request, res: Response): Promise<void> {
    try {
      const principal = await this.auth.authenticate(req);
      const channels = await this.directory.channelsOfGroup(principal.user.group);
      const channel = channels.find((c) => this.adapters.forChannel(c)?.format === 'openai-responses');
      if (!channel) {
        throw new RelayError(
          404,
          `No channel of your group stores responses, so '${id}' cannot be found`,
          'invalid_request_error',
          'not_found',
        );
      }
      const url = `${upstreamUrl(channel.type, channel.baseUrl ?? '', '/v1/responses')}/${encodeURIComponent(id)}`;
      const upstream = await this.upstream.send({
        url,
        method,
        headers: { ...vendorAuthHeaders(channel.type, channel.key ?? ''), accept: 'application/json' },
      });
      const text = await upstream.body.text();
      res.status(upstream.statusCode).type('application/json').send(text);
    } catch (error) {
      if (error instanceof RelayError) return sendRelayError(res, error);
      res.status(502).json({
        error: { message: 'upstream request failed', type: 'upstream_error', param: null, code: null },
      });
    }
  }
}
