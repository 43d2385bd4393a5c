import { CallHandler, ExecutionContext, Injectable, NestInterceptor } from '@nestjs/common';
import type { Request } from 'express';
import { Observable, tap } from 'rxjs';
import { ChangeBus, ChangeTopic } from './change-bus';

/** Which cached data a successful management write may have changed, by route prefix. */
const TOPICS_BY_PREFIX: Array<[prefix: string, topics: ChangeTopic[]]> = [
  ['/api/token', ['tokens']],
  ['/api/channel', ['channels']],
  ['/api/user', ['users', 'tokens']],
  ['/api/topup', ['users']],
  ['/api/option', ['options']],
];

/**
 * After any successful write under /api, tells the ChangeBus what may have changed, so relay caches never serve a
 * disabled key, a deleted channel or a demoted user. Coarse on purpose: admin writes are rare, cache refills cheap.
 */
@Injectable()
export class ChangePublishingInterceptor implements NestInterceptor {
  constructor(private readonly bus: ChangeBus) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const req = context.switchToHttp().getRequest<Request>();
    if (req.method === 'GET' || req.method === 'HEAD' || req.method === 'OPTIONS') return next.handle();
    const topics = TOPICS_BY_PREFIX.find(
      ([prefix]) => req.path === prefix || req.path.startsWith(`${prefix}/`),
    )?.[1];
    if (!topics) return next.handle();
    return next.handle().pipe(tap(() => topics.forEach((topic) => this.bus.publish(topic))));
  }
}
