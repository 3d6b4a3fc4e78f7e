import { BlockList, isIP } from 'node:net';
import { clientAddress } from './client-address';
import { formatAddress } from './ip-address';
import { isAllowed, parseCidrList } from './ip-allowlist';

function formatNetwork(value: bigint, bits: number, family: 4 | 6): string {
  const hostBits = BigInt(128 - bits);
  return formatAddress({ family, value: (value >> hostBits) << hostBits });
}

describe('parseCidrList', () => {
  it('parses IPv4 and IPv6 CIDRs and bare addresses, skipping empty entries', () => {
    const ranges = parseCidrList(' 10.0.0.0/8, 192.168.1.7 ,, 2001:db8::/32, ::1 ,');
    expect(ranges.map(({ text, family, prefix }) => ({ text, family, prefix }))).toEqual([
      { text: '10.0.0.0/8', family: 4, prefix: 8 },
      { text: '192.168.1.7', family: 4, prefix: 32 },
      { text: '2001:db8::/32', family: 6, prefix: 32 },
      { text: '::1', family: 6, prefix: 128 },
    ]);
  });

  it('is empty for an empty text', () => {
    expect(parseCidrList('')).toEqual([]);
    expect(parseCidrList(' , ')).toEqual([]);
  });

  it('holds an IPv4-mapped IPv6 range as the IPv4 range it is', () => {
    expect(parseCidrList('::ffff:10.0.0.0/104')).toMatchObject([{ family: 4, prefix: 8 }]);
  });

  it.each([
    ['10.0.0.0/33', /"10\.0\.0\.0\/33".*longer than 32 bits for IPv4/],
    ['abc', /"abc".*not an IPv4 or IPv6 address/],
    ['::1/129', /"::1\/129".*longer than 128 bits for IPv6/],
    ['10.0.0.0/', /"10\.0\.0\.0\/".*not a number/],
    ['10.0.0.0/-1', /not a number/],
    ['10.0.0.0/8/8', /more than one/],
    ['/24', /not an IPv4 or IPv6 address/],
    ['10.0.0.256', /not an IPv4 or IPv6 address/],
    ['010.0.0.1', /not an IPv4 or IPv6 address/],
    ['fe80::/10%eth0', /not a number/],
    ['fe80::1%eth0', /zone/],
    ['10.0.0.1/8', /"10\.0\.0\.1\/8".*host bits.*did you mean 10\.0\.0\.0\/8\?/],
    ['2001:db8::1/32', /host bits.*did you mean 2001:db8:0:0:0:0:0:0\/32\?/],
  ])('rejects %p with an error naming the entry', (entry, message) => {
    expect(() => parseCidrList(`192.168.0.0/16, ${entry}`)).toThrow(message);
  });
});

describe('isAllowed', () => {
  it('allows everything when no allowlist is configured', () => {
    expect(isAllowed('203.0.113.9', [])).toBe(true);
    expect(isAllowed('2001:db8::1', parseCidrList(''))).toBe(true);
  });

  it('matches IPv4 ranges, including their edges', () => {
    const ranges = parseCidrList('10.0.0.0/8, 192.168.1.7');
    expect(isAllowed('10.0.0.0', ranges)).toBe(true);
    expect(isAllowed('10.255.255.255', ranges)).toBe(true);
    expect(isAllowed('11.0.0.0', ranges)).toBe(false);
    expect(isAllowed('9.255.255.255', ranges)).toBe(false);
    expect(isAllowed('192.168.1.7', ranges)).toBe(true);
    expect(isAllowed('192.168.1.8', ranges)).toBe(false);
  });

  it('matches IPv6 ranges', () => {
    const ranges = parseCidrList('2001:db8::/32, fd00:1234:5678:9abc::/64, ::1');
    expect(isAllowed('2001:db8::1', ranges)).toBe(true);
    expect(isAllowed('2001:db8:ffff:ffff:ffff:ffff:ffff:ffff', ranges)).toBe(true);
    expect(isAllowed('2001:db9::1', ranges)).toBe(false);
    expect(isAllowed('fd00:1234:5678:9abc:1:2:3:4', ranges)).toBe(true);
    expect(isAllowed('fd00:1234:5678:9abd::', ranges)).toBe(false);
    expect(isAllowed('::1', ranges)).toBe(true);
    expect(isAllowed('0:0:0:0:0:0:0:1', ranges)).toBe(true);
    expect(isAllowed('::2', ranges)).toBe(false);
    expect(isAllowed('fe80::1%eth0', parseCidrList('fe80::/10'))).toBe(true);
  });

  it('matches IPv4-mapped IPv6 addresses against IPv4 ranges, in either notation', () => {
    const ranges = parseCidrList('10.0.0.0/8');
    expect(isAllowed('::ffff:10.1.2.3', ranges)).toBe(true);
    expect(isAllowed('::ffff:a01:203', ranges)).toBe(true);
    expect(isAllowed('0:0:0:0:0:ffff:10.1.2.3', ranges)).toBe(true);
    expect(isAllowed('::ffff:11.1.2.3', ranges)).toBe(false);
    expect(isAllowed('10.1.2.3', parseCidrList('::ffff:10.0.0.0/104'))).toBe(true);
  });

  it('keeps the families apart: IPv4 ranges do not match other IPv6 addresses', () => {
    const ranges = parseCidrList('0.0.0.0/0');
    expect(isAllowed('203.0.113.9', ranges)).toBe(true);
    expect(isAllowed('::ffff:203.0.113.9', ranges)).toBe(true);
    expect(isAllowed('2001:db8::1', ranges)).toBe(false);
    expect(isAllowed('::a00:1', ranges)).toBe(false);
    expect(isAllowed('10.0.0.1', parseCidrList('2001:db8::/32'))).toBe(false);
  });

  it('lets ::/0 cover IPv4 too, since IPv4 lives at ::ffff:0:0/96', () => {
    expect(isAllowed('203.0.113.9', parseCidrList('::/0'))).toBe(true);
  });

  it.each(['', 'abc', '10.0.0', '10.0.0.1:443', 'unknown'])('matches nothing for the non-address %p', (address) => {
    expect(isAllowed(address, parseCidrList('0.0.0.0/0, ::/0'))).toBe(false);
  });

  it('with clientAddress, keeps out a client that forges an allowlisted X-Forwarded-For prefix', () => {
    const internal = parseCidrList('10.0.0.0/8');
    const ourProxy = parseCidrList('10.0.0.2/32');
    expect(isAllowed(clientAddress('10.0.0.2', '10.0.0.1, 198.51.100.7', ourProxy), internal)).toBe(false);
    expect(isAllowed(clientAddress('10.0.0.2', '198.51.100.7, 10.0.0.1', ourProxy), internal)).toBe(true);
    // A direct connection claiming an allowlisted address is not one of our proxies: its header is ignored.
    expect(isAllowed(clientAddress('198.51.100.7', '10.0.0.1', ourProxy), internal)).toBe(false);
  });

  it('agrees with node:net BlockList on random addresses and ranges', () => {
    let seed = 42;
    const random = (limit: number): number => {
      seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0;
      return (seed >>> 8) % limit;
    };
    const ipv4 = (): string => Array.from({ length: 4 }, () => random(4) * 64 + random(2)).join('.');
    const ipv6 = (): string => ['2001', 'db8', ...Array.from({ length: 6 }, () => (random(2) * 0x8000 + random(3)).toString(16))].join(':');
    for (let round = 0; round < 200; round += 1) {
      const v4Prefix = random(33);
      const v6Prefix = 32 + random(97);
      const v4 = parseCidrList(ipv4())[0];
      const v6 = parseCidrList(ipv6())[0];
      const v4Network = `${formatNetwork(v4.network, v4Prefix + 96, 4)}/${v4Prefix}`;
      const v6Network = `${formatNetwork(v6.network, v6Prefix, 6)}/${v6Prefix}`;
      const ranges = parseCidrList(`${v4Network}, ${v6Network}`);
      const oracle = new BlockList();
      oracle.addSubnet(v4Network.split('/')[0], v4Prefix, 'ipv4');
      oracle.addSubnet(v6Network.split('/')[0], v6Prefix, 'ipv6');
      for (const address of [ipv4(), ipv6()]) {
        expect([address, isAllowed(address, ranges)]).toEqual([address, oracle.check(address, isIP(address) === 4 ? 'ipv4' : 'ipv6')]);
      }
    }
  });
});
