import { Injectable } from '@nestjs/common';

/**
 * The recorded holds this process still owes a settlement for (by request id): added before the hold is taken,
 * removed once its settlement is committed, or when taking it failed. A record of this process that is not in the
 * set — a hold whose transaction committed although the driver reported a failure (connection lost at COMMIT) —
 * is an orphan of a live process, and HoldReconciler gives it back like the holds of a dead one.
 */
@Injectable()
export class OpenHolds {
  private readonly ids = new Set<string>();

  add(requestId: string): void {
    this.ids.add(requestId);
  }

  delete(requestId: string): void {
    this.ids.delete(requestId);
  }

  has(requestId: string): boolean {
    return this.ids.has(requestId);
  }

  get size(): number {
    return this.ids.size;
  }
}
