import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { repositoryRoot } from './repository-layout';

/**
 * The webhook fixtures are committed in the repository (`fixtures/`, provenance in its README), so
 * a clone needs nothing beside it.
 */
export const fixturesDir = join(repositoryRoot, 'fixtures');

/** A fixture's exact bytes: never re-serialise a body before signing or verifying it. */
export function readFixture(relativePath: string): Buffer {
  return readFileSync(join(fixturesDir, relativePath));
}
