import { heldRecords, partitionLag, resumeOffset } from './consumer-lag';

describe('partitionLag', () => {
  it('counts from the committed offset to the end offset', () => {
    expect(partitionLag('7', '10', '0')).toBe(3);
  });

  it('is zero for a group at the end', () => {
    expect(partitionLag('10', '10', '0')).toBe(0);
  });

  it('counts a group without a commit from the earliest retained offset', () => {
    expect(partitionLag(null, '10', '4')).toBe(6);
  });

  it('counts only retained records when retention deleted what the group had not read', () => {
    expect(partitionLag('2', '10', '4')).toBe(6);
    expect(resumeOffset('2', '4')).toBe(4n);
  });

  it('is zero, not negative, for a commit past the end', () => {
    expect(partitionLag('12', '10', '0')).toBe(0);
  });

  it('works past 2^53 offsets', () => {
    expect(partitionLag('9007199254740993', '9007199254740995', '0')).toBe(2);
  });
});

describe('heldRecords', () => {
  it('sums what every partition retains', () => {
    expect(
      heldRecords([
        { low: '0', high: '3' },
        { low: '5', high: '5' },
        { low: '2', high: '10' },
      ]),
    ).toBe(11);
  });

  it('is zero for an empty topic', () => {
    expect(heldRecords([])).toBe(0);
  });
});
