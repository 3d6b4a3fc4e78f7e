import { clientAddress } from './client-address';
import { parseCidrList } from './ip-allowlist';

const ourProxies = parseCidrList('172.16.0.0/12, 2001:db8:ffff::/48');

describe('clientAddress', () => {
  it('is the socket peer itself when no proxy is trusted, whatever X-Forwarded-For says', () => {
    expect(clientAddress('203.0.113.9', '10.0.0.1, 198.51.100.7', [])).toBe('203.0.113.9');
    expect(clientAddress('203.0.113.9', undefined, [])).toBe('203.0.113.9');
  });

  it('ignores X-Forwarded-For from a peer that is not one of our proxies', () => {
    // A direct connection claiming to come from Shopify's range through a proxy.
    expect(clientAddress('203.0.113.9', '34.1.2.3', ourProxies)).toBe('203.0.113.9');
  });

  it('takes the entry our proxy appended and ignores a spoofed prefix', () => {
    // The client sent "X-Forwarded-For: 10.0.0.1" hoping to look internal; our proxy appended the
    // address it really saw, 198.51.100.7, and connected to us from 172.16.0.2.
    expect(clientAddress('172.16.0.2', '10.0.0.1, 198.51.100.7', ourProxies)).toBe('198.51.100.7');
    expect(clientAddress('172.16.0.2', '10.0.0.1,  127.0.0.1 ,198.51.100.7', ourProxies)).toBe('198.51.100.7');
  });

  it('walks back through every proxy of ours to the first address that is not one', () => {
    expect(clientAddress('172.16.0.2', '10.0.0.1, 198.51.100.7, 172.16.0.3', ourProxies)).toBe('198.51.100.7');
    expect(clientAddress('172.16.0.2', '198.51.100.7, 172.20.1.1, 172.16.0.3', ourProxies)).toBe('198.51.100.7');
  });

  it('uses the peer when the chain names no client: no header, an empty one, or only our proxies', () => {
    expect(clientAddress('172.16.0.2', undefined, ourProxies)).toBe('172.16.0.2');
    expect(clientAddress('172.16.0.2', '', ourProxies)).toBe('172.16.0.2');
    expect(clientAddress('172.16.0.2', ' , ,, ', ourProxies)).toBe('172.16.0.2');
    expect(clientAddress('172.16.0.2', '172.16.0.9, 172.16.0.3', ourProxies)).toBe('172.16.0.2');
  });

  it('ignores empty entries and trims spaces', () => {
    expect(clientAddress('172.16.0.2', ' , 198.51.100.7 ,, ', ourProxies)).toBe('198.51.100.7');
  });

  it('returns an entry that is no address as it is, which no allowlist then admits', () => {
    expect(clientAddress('172.16.0.2', '198.51.100.7, not-an-ip', ourProxies)).toBe('not-an-ip');
  });

  it('normalises IPv4-mapped IPv6 addresses to IPv4', () => {
    expect(clientAddress('::ffff:203.0.113.9', undefined, [])).toBe('203.0.113.9');
    expect(clientAddress('::FFFF:203.0.113.9', undefined, [])).toBe('203.0.113.9');
    expect(clientAddress('::ffff:172.16.0.2', '::ffff:198.51.100.7', ourProxies)).toBe('198.51.100.7');
    expect(clientAddress('::ffff:cb00:7109', undefined, [])).toBe('203.0.113.9');
  });

  it('walks IPv6 chains alike', () => {
    expect(clientAddress('2001:db8:ffff::2', '2001:db8::7', ourProxies)).toBe('2001:db8::7');
    expect(clientAddress('::1', '2001:db8::7', ourProxies)).toBe('::1');
  });
});
