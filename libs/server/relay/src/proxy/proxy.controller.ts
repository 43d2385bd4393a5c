import { All, Controller, Req, Res } from '@nestjs/common';
import type { Request, Response } from 'express';
import { ProxyService } from './proxy.service';

/**
 * One API's transparent proxy: `ANY /v1/oneapi/proxy/:channelid/<path>` reaches `{channel base URL}/<path>` of a
 * Proxy channel (type 43) with the caller's key checked, bodies streamed both ways, and nothing billed.
 */
@Controller()
export class ProxyController {
  constructor(private readonly proxy: ProxyService) {}

  @All('v1/oneapi/proxy/:channelid/*path')
  forward(@Req() req: Request, @Res() res: Response): Promise<void> {
    return this.proxy.forward(req, res);
  }
}
