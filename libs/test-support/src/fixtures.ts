import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

/**
 * The shared webhook fixtures live beside the repository (`../shared/fixtures`); CI lays a copy
 * there too. SHARED_FIXTURES_DIR points elsewhere when needed.
 */
export function fixturesDir(): string {
  const dir = process.env.SHARED_FIXTURES_DIR ?? resolve(__dirname, '../../../../shared/fixtures');
  if (!existsSync(dir)) {
    throw new Error(`shared webhook fixtures not found at ${dir}: set SHARED_FIXTURES_DIR to the folder holding shopify/ and clerk/`);
  }
  return dir;
}

/** A fixture's exact bytes: never re-serialise a body before signing or verifying it. */
export function readFixture(relativePath: string): Buffer {
  return readFileSync(join(fixturesDir(), relativePath));
}
