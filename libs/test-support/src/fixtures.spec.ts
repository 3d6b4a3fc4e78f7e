import { readFixture } from './index';

describe('shared fixtures', () => {
  it('reads a fixture byte for byte, without a trailing newline', () => {
    const body = readFixture('shopify/inventory-levels-update.json');
    expect(body.length).toBe(240);
    expect(body[body.length - 1]).not.toBe(0x0a);
  });

  it('names the folder and the variable when fixtures are missing', () => {
    const previous = process.env.SHARED_FIXTURES_DIR;
    process.env.SHARED_FIXTURES_DIR = '/nonexistent/fixtures';
    try {
      expect(() => readFixture('shopify/orders-create.json')).toThrow(/not found at \/nonexistent\/fixtures: set SHARED_FIXTURES_DIR/);
    } finally {
      if (previous === undefined) delete process.env.SHARED_FIXTURES_DIR;
      else process.env.SHARED_FIXTURES_DIR = previous;
    }
  });
});
