/**
 * A lock held by any number of shared holders at once, or by one exclusive holder alone (a
 * readers-writer lock for async work). An exclusive request waits for the shared holders to
 * finish and keeps new ones out meanwhile, so it never starves; requests queue in order.
 */
export class SharedOrExclusive {
  private sharedHolders = 0;
  /** Set while an exclusive holder waits or runs; resolved (never rejected) when it is done. */
  private exclusiveDone: Promise<void> | undefined;
  private readonly waitingForIdle: (() => void)[] = [];

  async shared<T>(work: () => Promise<T>): Promise<T> {
    while (this.exclusiveDone) await this.exclusiveDone;
    this.sharedHolders++;
    try {
      return await work();
    } finally {
      this.sharedHolders--;
      if (this.sharedHolders === 0) for (const wake of this.waitingForIdle.splice(0)) wake();
    }
  }

  async exclusive<T>(work: () => Promise<T>): Promise<T> {
    while (this.exclusiveDone) await this.exclusiveDone;
    let release!: () => void;
    this.exclusiveDone = new Promise<void>((resolve) => (release = resolve));
    try {
      if (this.sharedHolders > 0) await new Promise<void>((wake) => this.waitingForIdle.push(wake));
      return await work();
    } finally {
      this.exclusiveDone = undefined;
      release();
    }
  }
}
