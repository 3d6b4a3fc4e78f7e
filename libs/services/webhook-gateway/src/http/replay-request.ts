import { PlatformError } from '@consign/errors';
import { ArchivePosition } from '../replay/webhook-archive';

/** Deliveries per replay request: a time range is replayed in pages of this size. */
export const maxReplayDeliveries = 500;

/** Positions only: the body of a replayed delivery always comes from the archive, never from the caller. */
export const replayBodyLimitBytes = 64 * 1024;

/** Reads `{ archived: [{ partition, offset }] }`: where in the raw archive each delivery to replay is. */
export function parseReplayRequest(body: unknown): ArchivePosition[] {
  const archived = isObject(body) ? body.archived : undefined;
  if (!Array.isArray(archived) || archived.length === 0 || archived.length > maxReplayDeliveries) {
    throw invalid(
      `archived must be an array of 1 to ${maxReplayDeliveries} positions in the raw archive, { partition, offset }`,
      'archived',
    );
  }
  return archived.map((item: unknown, index) => {
    const at = (field: string) => `archived[${index}].${field}`;
    if (!isObject(item)) throw invalid('each position must be an object { partition, offset }', `archived[${index}]`);
    if (!Number.isInteger(item.partition) || (item.partition as number) < 0 || (item.partition as number) > 100_000)
      throw invalid('partition must be a partition number', at('partition'));
    if (typeof item.offset !== 'string' || !/^\d{1,19}$/.test(item.offset))
      throw invalid('offset must be a decimal offset string', at('offset'));
    return { partition: item.partition as number, offset: item.offset };
  });
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function invalid(message: string, field: string): PlatformError {
  return new PlatformError(message, { code: 'admin.invalid_replay_request', category: 'invalid', httpStatus: 400, details: { field } });
}
