import { clientAddress } from './client-address';

describe('clientAddress', () => {
  it('is the socket peer itself with no trusted proxy, whatever X-Forwarded-For says', () => {
    expect(clientAddress('203.0.113.9', '10.0.0.1, 198.51.100.7', 0)).toBe('203.0.113.9');
    expect(clientAddress('203.0.113.9', undefined, 0)).toBe('203.0.113.9');
  });

  it('takes the entry our one proxy appended and ignores a spoofed prefix', () => {
    // The client sent "X-Forwarded-For: 10.0.0.1" hoping to look internal; our proxy appended the
    // address it really saw, 198.51.100.7, and connected to us from 172.16.0.2.
    expect(clientAddress('172.16.0.2', '10.0.0.1, 198.51.100.7', 1)).toBe('198.51.100.7');
    expect(clientAddress('172.16.0.2', '10.0.0.1,  127.0.0.1 ,198.51.100.7', 1)).toBe('198.51.100.7');
  });

  it('counts N entries from the right of X-Forwarded-For + peer with N trusted proxies', () => {
    const forwarded = '10.0.0.1, 198.51.100.7, 172.16.0.3';
    expect(clientAddress('172.16.0.2', forwarded, 1)).toBe('172.16.0.3');
    expect(clientAddress('172.16.0.2', forwarded, 2)).toBe('198.51.100.7');
    expect(clientAddress('172.16.0.2', forwarded, 3)).toBe('10.0.0.1');
  });

  it('never reads past the chain: a short header yields its left-most entry', () => {
    expect(clientAddress('172.16.0.2', '198.51.100.7', 5)).toBe('198.51.100.7');
    expect(clientAddress('172.16.0.2', undefined, 2)).toBe('172.16.0.2');
    expect(clientAddress('172.16.0.2', '', 1)).toBe('172.16.0.2');
  });

  it('ignores empty entries and trims spaces', () => {
    expect(clientAddress('172.16.0.2', ' , 198.51.100.7 ,, ', 1)).toBe('198.51.100.7');
    expect(clientAddress('172.16.0.2', ',,', 1)).toBe('172.16.0.2');
  });

  it('normalises IPv4-mapped IPv6 addresses to IPv4', () => {
    expect(clientAddress('::ffff:203.0.113.9', undefined, 0)).toBe('203.0.113.9');
    expect(clientAddress('::FFFF:203.0.113.9', undefined, 0)).toBe('203.0.113.9');
    expect(clientAddress('::ffff:172.16.0.2', '::ffff:198.51.100.7', 1)).toBe('198.51.100.7');
    expect(clientAddress('::ffff:cb00:7109', undefined, 0)).toBe('203.0.113.9');
  });

  it('leaves plain IPv6 addresses as they are', () => {
    expect(clientAddress('2001:db8::2', '2001:db8::7', 1)).toBe('2001:db8::7');
    expect(clientAddress('::1', undefined, 0)).toBe('::1');
  });

  it.each([-1, 1.5, Number.NaN])('refuses a trusted proxy count of %p', (count) => {
    expect(() => clientAddress('172.16.0.2', undefined, count)).toThrow(/non-negative integer/);
  });
});
