/** What an open loop needs of an answer: its status, 0 when none came, and then why. */
export interface OpenLoopAnswer {
  status: number;
  /** Why no answer came (status 0): the request's error code or message. */
  error?: string;
}

export interface OpenLoopResult<TAnswer extends OpenLoopAnswer> {
  /** Every request's answer, in the order they came; `ackMs` from its scheduled time to the answer, when one came. */
  answers: Array<TAnswer & { ackMs?: number }>;
  /** Milliseconds each request left after its scheduled time: the sender's own stalls. */
  lateMs: number[];
}

/**
 * Sends `rate` requests a second for `seconds` on a fixed schedule, whatever the answers do (a
 * closed loop would slow down with the server and hide its backlog); the acknowledgement time
 * counts from the scheduled time. A request that fails without an answer becomes `unanswered`'s
 * answer, with the error's code (ECONNRESET, UND_ERR_SOCKET, …) or message.
 */
export async function openLoop<TAnswer extends OpenLoopAnswer>(
  send: () => Promise<TAnswer>,
  rate: number,
  seconds: number,
  options: {
    /** Called with the requests sent so far after each scheduled second's worth. */
    progress?: (done: number, total: number) => void;
    unanswered: (error: string) => TAnswer;
  },
): Promise<OpenLoopResult<TAnswer>> {
  const total = Math.round(rate * seconds);
  const answers: OpenLoopResult<TAnswer>['answers'] = [];
  const lateMs: number[] = [];
  const pending: Promise<void>[] = [];
  const startedAt = performance.now();
  for (let index = 0; index < total; index += 1) {
    const scheduledAt = startedAt + (index * 1000) / rate;
    const wait = scheduledAt - performance.now();
    if (wait > 0) await new Promise((done) => setTimeout(done, wait));
    // From the scheduled time when the request leaves late (a stall counts), from its real start
    // when a timer fired a little early (no negative latencies).
    const countFrom = Math.min(scheduledAt, performance.now());
    lateMs.push(performance.now() - countFrom);
    pending.push(
      send().then(
        (answer) => {
          answers.push({ ...answer, ackMs: performance.now() - countFrom });
        },
        (error: unknown) => {
          const code = (error as { code?: unknown } | undefined)?.code;
          answers.push(options.unanswered(typeof code === 'string' ? code : error instanceof Error ? error.message : String(error)));
        },
      ),
    );
    if (index > 0 && index % rate === 0) options.progress?.(index, total);
  }
  await Promise.all(pending);
  return { answers, lateMs };
}

/** The answers other than 200, by status, or by error when none came: { "HTTP 503": 4, "UND_ERR_SOCKET": 2 }. */
export function countOtherAnswers(answers: readonly OpenLoopAnswer[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const answer of answers) {
    if (answer.status === 200) continue;
    const reason = answer.status === 0 ? (answer.error ?? 'no answer') : `HTTP ${answer.status}`;
    counts[reason] = (counts[reason] ?? 0) + 1;
  }
  return counts;
}
