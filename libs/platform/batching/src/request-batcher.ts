/**
 * Gathers concurrent requests into batches for one round trip each ("natural" batching): the
 * first request after a quiet spell goes out on the next turn of the event loop, together with
 * whatever arrived in the same turn; while `maxInFlight` batches are out, new requests wait and
 * leave together as soon as one returns. Under light load a request waits for nobody; under heavy
 * load the batches grow instead of the queue of round trips. For work nobody waits on, `lingerMs`
 * trades latency for fewer round trips: a batch leaves that long after its first request.
 */
export class RequestBatcher<TRequest, TResult> {
  private waiting: Array<{ request: TRequest; resolve: (result: TResult) => void; reject: (error: unknown) => void }> = [];
  private inFlight = 0;
  private scheduled = false;
  private lingering: NodeJS.Timeout | undefined;
  private readonly running = new Set<Promise<void>>();

  constructor(
    /** Answers every request of a batch, in order; a rejection fails the whole batch. */
    private readonly runBatch: (requests: TRequest[]) => Promise<TResult[]>,
    private readonly options: {
      maxInFlight: number;
      maxBatchSize: number;
      /** With `weigh`: the most a batch may weigh; a single heavier request still goes, alone. */
      maxBatchWeight?: number;
      weigh?: (request: TRequest) => number;
      /** How long requests gather before their batch leaves; `drain` does not wait for it. */
      lingerMs?: number;
    },
  ) {}

  submit(request: TRequest): Promise<TResult> {
    return new Promise((resolve, reject) => {
      this.waiting.push({ request, resolve, reject });
      this.schedule();
    });
  }

  private schedule(): void {
    if (this.scheduled || this.inFlight >= this.options.maxInFlight || this.waiting.length === 0) return;
    this.scheduled = true;
    const leave = (): void => {
      this.scheduled = false;
      this.lingering = undefined;
      this.dispatch();
    };
    if (this.options.lingerMs) this.lingering = setTimeout(leave, this.options.lingerMs);
    else setImmediate(leave);
  }

  /** Sends whatever waits, without lingering, and resolves once every batch has been answered. */
  async drain(): Promise<void> {
    if (this.lingering) {
      clearTimeout(this.lingering);
      this.lingering = undefined;
      this.scheduled = false;
    }
    while (this.running.size > 0 || this.waiting.length > 0) {
      this.dispatch();
      await Promise.allSettled([...this.running]);
    }
  }

  private dispatch(): void {
    while (this.inFlight < this.options.maxInFlight && this.waiting.length > 0) {
      this.inFlight += 1;
      const running = this.run(this.waiting.splice(0, this.nextBatchSize())).finally(() => this.running.delete(running));
      this.running.add(running);
    }
  }

  private nextBatchSize(): number {
    const { maxBatchSize, maxBatchWeight, weigh } = this.options;
    if (!weigh || maxBatchWeight === undefined) return maxBatchSize;
    let weight = weigh(this.waiting[0].request);
    let size = 1;
    while (size < Math.min(maxBatchSize, this.waiting.length)) {
      weight += weigh(this.waiting[size].request);
      if (weight > maxBatchWeight) break;
      size += 1;
    }
    return size;
  }

  private async run(batch: RequestBatcher<TRequest, TResult>['waiting']): Promise<void> {
    try {
      const results = await this.runBatch(batch.map((entry) => entry.request));
      if (results.length !== batch.length) throw new Error(`a batch of ${batch.length} requests returned ${results.length} results`);
      batch.forEach((entry, index) => entry.resolve(results[index]));
    } catch (error) {
      for (const entry of batch) entry.reject(error);
    } finally {
      this.inFlight -= 1;
      // Whoever waited meanwhile has waited long enough (no extra turn of the event loop), unless
      // the batches are meant to linger.
      if (this.options.lingerMs) this.schedule();
      else this.dispatch();
    }
  }
}
