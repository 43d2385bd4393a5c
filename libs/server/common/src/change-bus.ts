import { Global, Injectable, Module } from '@nestjs/common';

/** What changed in the database, so in-memory copies (relay caches, options) can drop stale entries. */
export type ChangeTopic = 'tokens' | 'users' | 'channels' | 'options';

export interface ChangeEvent {
  topic: ChangeTopic;
  /** ids (or keys) that changed; absent means "anything in the topic may have changed" */
  ids?: Array<number | string>;
}

type Listener = (event: ChangeEvent) => void;

/**
 * In-process publish/subscribe of data changes. Writers call `publish` after they commit; readers subscribe.
 * (With Redis the same events are relayed between replicas.)
 */
@Injectable()
export class ChangeBus {
  private readonly listeners = new Map<ChangeTopic, Set<Listener>>();
  private readonly taps = new Set<Listener>();

  subscribe(topic: ChangeTopic, listener: Listener): () => void {
    const set = this.listeners.get(topic) ?? new Set<Listener>();
    this.listeners.set(topic, set);
    set.add(listener);
    return () => set.delete(listener);
  }

  publish(topic: ChangeTopic, ids?: Array<number | string>): void {
    const event: ChangeEvent = ids === undefined ? { topic } : { topic, ids };
    this.deliver(event);
    for (const tap of this.taps) tap(event);
  }

  /** Sees every event published in this process (the Redis relay forwards them to the other replicas). */
  tap(listener: Listener): () => void {
    this.taps.add(listener);
    return () => this.taps.delete(listener);
  }

  /** Hands an event that happened elsewhere (another replica) to this process's subscribers only. */
  deliver(event: ChangeEvent): void {
    for (const listener of this.listeners.get(event.topic) ?? []) listener(event);
  }
}

@Global()
@Module({ providers: [ChangeBus], exports: [ChangeBus] })
export class ChangeBusModule {}
