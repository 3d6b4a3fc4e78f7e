import { waitBeforeQueryMs } from './throttle';

describe('waitBeforeQueryMs', () => {
  const status = { maximumAvailable: 2000, currentlyAvailable: 100, restoreRate: 100 };

  it('waits (requested − available) / restoreRate seconds', () => {
    expect(waitBeforeQueryMs(352, status)).toBe(2520);
  });

  it('counts what the bucket restored since Shopify reported it', () => {
    expect(waitBeforeQueryMs(352, status, 1000)).toBe(1520);
    expect(waitBeforeQueryMs(352, status, 5000)).toBe(0);
  });

  it('does not wait when enough points are available', () => {
    expect(waitBeforeQueryMs(100, status)).toBe(0);
  });
});
