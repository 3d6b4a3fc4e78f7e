import * as fs from 'node:fs';
import * as path from 'node:path';

import { isAlive } from './process';
import { ensureDir, errorCode, InfraError, readTextIfExists, sleep, type Logger } from './util';

/**
 * Serialises `up`/`down` across processes (e.g. several test projects calling
 * ensureInfraUp at once). A lock left by a dead process is taken over.
 */
export async function withLock<T>(file: string, log: Logger, timeoutMs: number, fn: () => Promise<T>): Promise<T> {
  ensureDir(path.dirname(file));
  const deadline = Date.now() + timeoutMs;
  let announced = false;
  for (;;) {
    try {
      const fd = fs.openSync(file, 'wx');
      fs.writeSync(fd, `${process.pid}\n`);
      fs.closeSync(fd);
      break;
    } catch (err) {
      if (errorCode(err) !== 'EEXIST') throw err;
    }
    const holder = Number(readTextIfExists(file)?.trim());
    if (!Number.isInteger(holder) || holder <= 0 || !isAlive(holder)) {
      fs.rmSync(file, { force: true });
      continue;
    }
    if (Date.now() > deadline) {
      throw new InfraError(`another infra command (pid ${holder}) still holds ${file}; giving up`);
    }
    if (!announced) {
      log(`another infra command (pid ${holder}) is running; waiting for it`);
      announced = true;
    }
    await sleep(250);
  }
  try {
    return await fn();
  } finally {
    if (readTextIfExists(file)?.trim() === String(process.pid)) fs.rmSync(file, { force: true });
  }
}
