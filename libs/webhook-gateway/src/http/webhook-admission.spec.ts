import { WebhookAdmission } from './webhook-admission';

describe('WebhookAdmission', () => {
  it('refuses beyond the in-flight limit until one of those in flight is answered, and reports the count', () => {
    const counts: number[] = [];
    const admission = new WebhookAdmission(2, (inFlight) => counts.push(inFlight));
    const answerFirst = admission.admit();
    expect(admission.refusal()).toBeUndefined();
    admission.admit();
    expect(admission.refusal()).toMatchObject({ code: 'gateway.overloaded', httpStatus: 503, retriable: true, message: expect.stringContaining('2 webhooks') });
    answerFirst();
    expect(admission.refusal()).toBeUndefined();
    expect(counts).toEqual([1, 2, 1]);
  });
});
