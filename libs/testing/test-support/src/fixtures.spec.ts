import { resolve } from 'node:path';
import { readFixture } from './index';
import { fixturesDir } from './fixtures';

describe('webhook fixtures', () => {
  it('reads a fixture byte for byte, without a trailing newline', () => {
    const body = readFixture('shopify/inventory-levels-update.json');
    expect(body.length).toBe(240);
    expect(body[body.length - 1]).not.toBe(0x0a);
  });

  it('are read from the repository itself, never from beside it', () => {
    const repository = resolve(__dirname, '../../../..');
    expect(fixturesDir).toBe(resolve(repository, 'fixtures'));
  });
});
