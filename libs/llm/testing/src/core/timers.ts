/** setTimeout-based delays that are all cancelled when the fake server closes (no stray timers after tests). */
export class Timers {
  private readonly pending = new Set<NodeJS.Timeout>();
  private closed = false;

  /** Resolves after `ms`; never resolves once `clearAll` ran (the request it belongs to is being torn down). */
  sleep(ms: number): Promise<void> {
    if (ms <= 0 || this.closed) return this.closed ? new Promise<void>(() => undefined) : Promise.resolve();
    return new Promise<void>((resolve) => {
      const timer = setTimeout(() => {
        this.pending.delete(timer);
        resolve();
      }, ms);
      this.pending.add(timer);
    });
  }

  clearAll(): void {
    this.closed = true;
    for (const timer of this.pending) clearTimeout(timer);
    this.pending.clear();
  }
}
