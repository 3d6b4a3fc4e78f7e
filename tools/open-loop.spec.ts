import { countOtherAnswers, OpenLoopAnswer, openLoop } from './open-loop';

describe('the open loop of the load benches', () => {
  it('sends on schedule whatever the answers, and says what the others were: statuses, or errors when none came', async () => {
    let sent = 0;
    const send = async (): Promise<OpenLoopAnswer> => {
      sent += 1;
      if (sent % 5 === 0) throw Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' });
      if (sent % 5 === 1) throw new Error('no code at all');
      return { status: sent % 5 === 2 ? 503 : 200 };
    };
    const progress: number[] = [];
    const startedAt = Date.now();
    const result = await openLoop(send, 100, 1.5, {
      progress: (done) => progress.push(done),
      unanswered: (error) => ({ status: 0, error }),
    });
    expect(Date.now() - startedAt).toBeGreaterThanOrEqual(1480);
    expect(result.answers).toHaveLength(150);
    expect(result.answers.filter((answer) => answer.ackMs !== undefined)).toHaveLength(90);
    expect(result.lateMs).toHaveLength(150);
    expect(progress).toEqual([100]);
    expect(countOtherAnswers(result.answers)).toEqual({ 'HTTP 503': 30, ECONNRESET: 30, 'no code at all': 30 });
  });
});
