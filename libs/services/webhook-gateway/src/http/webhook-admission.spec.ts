import { WebhookAdmission } from './webhook-admission';

describe('WebhookAdmission', () => {
  it('refuses beyond the in-flight limit until one of those in flight is answered, and reports the count', () => {
    const counts: number[] = [];
    const admission = new WebhookAdmission(2, 10, (inFlight) => counts.push(inFlight));
    const answerFirst = admission.admit('192.0.2.1');
    expect(admission.refusal('192.0.2.2')).toBeUndefined();
    admission.admit('192.0.2.2');
    expect(admission.refusal('192.0.2.3')).toMatchObject({
      code: 'gateway.overloaded',
      httpStatus: 503,
      retriable: true,
      message: expect.stringContaining('2 webhooks'),
    });
    answerFirst();
    expect(admission.refusal('192.0.2.3')).toBeUndefined();
    expect(counts).toEqual([1, 2, 1]);
  });

  it('refuses a sender beyond its own limit while others still come in, until one of its webhooks is answered', () => {
    const admission = new WebhookAdmission(10, 2);
    const answers = [admission.admit('192.0.2.1'), admission.admit('192.0.2.1')];
    expect(admission.refusal('192.0.2.1')).toMatchObject({
      code: 'gateway.sender_over_limit',
      httpStatus: 429,
      retriable: true,
      message: expect.stringContaining('sender 192.0.2.1 has 2 webhooks'),
    });
    expect(admission.refusal('192.0.2.2')).toBeUndefined();
    admission.admit('192.0.2.2');
    answers[0]();
    expect(admission.refusal('192.0.2.1')).toBeUndefined();
  });

  it('counts a sender from zero again once its last webhook is answered', () => {
    const admission = new WebhookAdmission(10, 1);
    admission.admit('192.0.2.1')();
    admission.admit('192.0.2.1');
    expect(admission.refusal('192.0.2.1')).toMatchObject({
      code: 'gateway.sender_over_limit',
      message: expect.stringContaining('has 1 webhooks'),
    });
  });
});
