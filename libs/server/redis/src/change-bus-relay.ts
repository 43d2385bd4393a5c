import { Injectable, OnModuleDestroy, OnModuleInit, Optional } from '@nestjs/common';
import { ChangeBus, ChangeEvent, ChangeTopic } from '@one-api/server-common';
import { OptionsService } from '@one-api/server-options';
import { RedisService } from './redis.service';

const CHANNEL = 'changes';
const ALL_TOPICS: ChangeTopic[] = ['tokens', 'users', 'channels', 'options'];

interface Envelope extends ChangeEvent {
  from: string;
}

/**
 * Shares cache invalidation between replicas: every ChangeBus event published here goes out on Redis pub/sub,
 * and events from the other replicas are delivered to this process's subscribers. After Redis was lost, every
 * topic is invalidated locally, since messages sent meanwhile were missed.
 */
@Injectable()
export class ChangeBusRelay implements OnModuleInit, OnModuleDestroy {
  private readonly stops: Array<() => void> = [];

  constructor(
    private readonly bus: ChangeBus,
    private readonly redis: RedisService,
    @Optional() private readonly options?: OptionsService,
  ) {}

  /** Hands another replica's change to this process; options are re-read from the database at once. */
  private deliverRemote(event: ChangeEvent): void {
    this.bus.deliver(event);
    if (event.topic === 'options') void this.options?.reload().catch(() => undefined);
  }

  onModuleInit(): void {
    if (!this.redis.enabled) return;
    this.stops.push(
      this.bus.tap((event) =>
        this.redis.publish(CHANNEL, JSON.stringify({ ...event, from: this.redis.instanceId })),
      ),
      this.redis.subscribe(CHANNEL, (message) => {
        let event: Envelope;
        try {
          event = JSON.parse(message) as Envelope;
        } catch {
          return;
        }
        if (event.from === this.redis.instanceId || !ALL_TOPICS.includes(event.topic)) return;
        this.deliverRemote(event.ids ? { topic: event.topic, ids: event.ids } : { topic: event.topic });
      }),
    );
    this.redis.onReconnect(() => ALL_TOPICS.forEach((topic) => this.deliverRemote({ topic })));
  }

  onModuleDestroy(): void {
    this.stops.forEach((stop) => stop());
  }
}
