import { Admin, Kafka } from 'kafkajs';
import { DataSource } from 'typeorm';
import { PlatformError } from '@consign/errors';
import { audited, recordOperatorAction } from '../audit/operator-actions';
import { AdminClient } from '../http/admin-client';
import { withCoordinatorRetry } from '../kafka/coordinator-retry';
import { commitGroupOffsets } from '../kafka/group-offsets';
import { topicWatermarks } from '@consign/kafka';
import { isPlatformService, PlatformService } from '../settings/operations-settings';
import { OffsetResetPlan, planOffsetReset, ResetTarget } from './offset-plan';

export interface GroupActivity {
  state: string;
  members: Array<{ memberId: string; clientId: string; clientHost: string }>;
}

export async function groupActivity(admin: Admin, group: string): Promise<GroupActivity> {
  const { groups } = await withCoordinatorRetry(() => admin.describeGroups([group]));
  const described = groups[0];
  return {
    state: described?.state ?? 'Dead',
    members: (described?.members ?? []).map(({ memberId, clientId, clientHost }) => ({ memberId, clientId, clientHost })),
  };
}

export async function committedOffsets(admin: Admin, group: string, topic: string): Promise<Map<number, string | null>> {
  const [entry] = await withCoordinatorRetry(() => admin.fetchOffsets({ groupId: group, topics: [topic] }));
  return new Map((entry?.partitions ?? []).map(({ partition, offset }) => [partition, BigInt(offset) < 0n ? null : offset]));
}

/**
 * The committed offsets once they show the given ones: what the reset reports is read back from
 * the coordinator, not assumed.
 */
export async function committedOffsetsReaching(
  admin: Admin,
  group: string,
  topic: string,
  expected: Array<{ partition: number; offset: string }>,
  timeoutMs = 15_000,
): Promise<Map<number, string | null>> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const committed = await committedOffsets(admin, group, topic);
    if (expected.every(({ partition, offset }) => committed.get(partition) === offset)) return committed;
    if (Date.now() >= deadline) {
      throw new PlatformError(`group ${group} does not show the new offsets on ${topic} after ${timeoutMs} ms`, {
        code: 'operations.offsets_not_committed',
        category: 'transient',
      });
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

/** What a reset would do now, from the group's committed offsets and the topic's log. */
export async function offsetResetPlan(
  admin: Admin,
  request: { group: string; topic: string; target: ResetTarget },
): Promise<OffsetResetPlan> {
  const watermarks = await topicWatermarks(admin, request.topic);
  const committed = await committedOffsets(admin, request.group, request.topic);
  const offsetsAtTime =
    request.target.kind === 'datetime'
      ? new Map(
          (await admin.fetchTopicOffsetsByTimestamp(request.topic, request.target.at.getTime())).map(({ partition, offset }) => [
            partition,
            offset,
          ]),
        )
      : undefined;
  return planOffsetReset({ ...request, watermarks, committed, offsetsAtTime });
}

/** Polls until the group has no members; false when `timeoutMs` passed first. */
export async function waitUntilGroupEmpty(admin: Admin, group: string, timeoutMs: number, pollMs = 500): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if ((await groupActivity(admin, group)).members.length === 0) return true;
    if (Date.now() >= deadline) return false;
    await new Promise((resolve) => setTimeout(resolve, Math.min(pollMs, Math.max(0, deadline - Date.now()))));
  }
}

export interface OffsetResetRequest {
  group: string;
  topic: string;
  target: ResetTarget;
  dryRun?: boolean;
  /** Wait this long for the group's members to leave instead of refusing at once. */
  waitSeconds?: number;
  /** Ask this service to leave the group (POST /admin/consumer/stop) and rejoin after the reset. */
  stopMembersOf?: PlatformService;
}

export interface OffsetResetDependencies {
  kafka: Kafka;
  admin: Admin;
  database: DataSource;
  http: AdminClient;
  actor: string;
  /** Asked with the final plan before anything changes; false cancels. */
  confirm?: (plan: OffsetResetPlan) => Promise<boolean>;
}

export interface OffsetResetOutcome extends Record<string, unknown> {
  plan: OffsetResetPlan;
  applied: boolean;
  /** The committed offsets after the reset, read back from Kafka. */
  committedAfter?: Record<string, string | null>;
  stoppedService?: PlatformService;
}

/** The service whose consumer is this group: named by the operator, or the group's own name (the default group of each service). */
export function serviceOfGroup(group: string, named?: string): PlatformService {
  const service = named ?? group;
  if (!isPlatformService(service) || service === 'gateway' || service === 'reconciler') {
    throw new PlatformError(`no consuming service is known for group ${group}; name it with --service`, {
      code: 'operations.unknown_service',
      category: 'invalid',
    });
  }
  return service;
}

/**
 * Moves a consumer group's committed offsets on one topic, the way Kafka's own tool does, and only
 * while the group has no members: a running member would overwrite the new offsets with its next
 * commit. Every attempt is in the audit log, refusals included.
 */
export async function resetOffsets(deps: OffsetResetDependencies, request: OffsetResetRequest): Promise<OffsetResetOutcome> {
  const parameters = {
    group: request.group,
    topic: request.topic,
    target: describeRequestTarget(request.target),
    waitSeconds: request.waitSeconds,
    stopMembersOf: request.stopMembersOf,
  };
  const action = { actor: deps.actor, action: 'offsets.reset', parameters };
  if (request.dryRun) {
    return audited(deps.database, { ...action, dryRun: true }, async () => ({
      plan: await offsetResetPlan(deps.admin, request),
      applied: false,
    }));
  }
  const activity = await groupActivity(deps.admin, request.group);
  if (activity.members.length > 0 && !request.stopMembersOf) {
    const emptied = request.waitSeconds !== undefined && (await waitUntilGroupEmpty(deps.admin, request.group, request.waitSeconds * 1000));
    if (!emptied) {
      const reason = `group ${request.group} has ${activity.members.length} active member(s) (${activity.members.map((member) => `${member.clientId}@${member.clientHost}`).join(', ')})${request.waitSeconds !== undefined ? ` still after ${request.waitSeconds}s` : ''}; stop them, or use --wait <seconds> or --stop-members`;
      await refuse(deps, action, reason);
    }
  }
  if (deps.confirm) {
    const plan = await offsetResetPlan(deps.admin, request);
    if (!(await deps.confirm(plan))) await refuse(deps, action, 'not confirmed by the operator');
  }
  return audited(deps.database, action, async () => {
    let stoppedService: PlatformService | undefined;
    try {
      if (request.stopMembersOf && activity.members.length > 0) {
        await deps.http.request(request.stopMembersOf, 'POST', '/admin/consumer/stop');
        stoppedService = request.stopMembersOf;
        if (!(await waitUntilGroupEmpty(deps.admin, request.group, (request.waitSeconds ?? 60) * 1000))) {
          throw new PlatformError(`group ${request.group} still has members after ${request.stopMembersOf} was asked to stop`, {
            code: 'operations.members_remain',
            category: 'transient',
          });
        }
      }
      // Planned again now that nobody consumes: the committed offsets may have moved while members left.
      const plan = await offsetResetPlan(deps.admin, request);
      const targets = plan.partitions.map(({ partition, target }) => ({ partition, offset: target }));
      await withCoordinatorRetry(() => commitGroupOffsets(deps.kafka, request.group, request.topic, targets));
      const after = await committedOffsetsReaching(deps.admin, request.group, request.topic, targets);
      const committedAfter = Object.fromEntries(plan.partitions.map(({ partition }) => [String(partition), after.get(partition) ?? null]));
      return { plan, applied: true, committedAfter, ...(stoppedService ? { stoppedService } : {}) };
    } finally {
      if (stoppedService) await deps.http.request(stoppedService, 'POST', '/admin/consumer/start');
    }
  });
}

function describeRequestTarget(target: ResetTarget): Record<string, unknown> {
  return target.kind === 'datetime' ? { kind: 'datetime', at: target.at.toISOString() } : { ...target };
}

async function refuse(
  deps: OffsetResetDependencies,
  action: { actor: string; action: string; parameters: Record<string, unknown> },
  reason: string,
): Promise<never> {
  await recordOperatorAction(deps.database, { ...action, outcome: 'refused', error: reason, startedAt: new Date() });
  throw new PlatformError(`refused: ${reason}`, { code: 'operations.refused', category: 'invalid' });
}
