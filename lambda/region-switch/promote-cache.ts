/**
 * Promotes this region's member of an ElastiCache Global Datastore to primary, for ARC's custom
 * action step. Idempotent: a member that is already the primary is left as it is, a promotion
 * under way is waited for, not asked again. ARC retries the step while it fails, so an
 * invocation that runs out of time before the promotion is done fails with `StillPromoting`,
 * and the next one picks up where it was.
 *
 * FailoverGlobalReplicationGroup: "the secondary region will become primary, and all other
 * clusters will become secondary" (ElastiCache API Reference).
 */
import {
  DescribeGlobalReplicationGroupsCommand, DescribeReplicationGroupsCommand, ElastiCacheClient, FailoverGlobalReplicationGroupCommand, GlobalReplicationGroup,
} from '@aws-sdk/client-elasticache';
import { PromoteCacheStep } from './contract';

/** What the step needs of time. */
export interface StepClock {
  now(): number;
  sleep(ms: number): Promise<void>;
}

/** The promotion is under way and not done yet: ARC retries the step. */
export class StillPromoting extends Error {
  constructor(detail: string) {
    super(`the Global Datastore's promotion is not done yet: ${detail}`);
    this.name = 'StillPromoting';
  }
}

/** What became of the step. */
export interface PromotionOutcome {
  /** Whether this invocation asked for the promotion (false: done already, or asked before). */
  readonly requested: boolean;
  readonly primaryRegion: string;
}

const POLL_MS = 5_000;

function primaryOf(group: GlobalReplicationGroup | undefined): { region?: string; id?: string } {
  const member = group?.Members?.find((m) => m.Role === 'PRIMARY');
  return { region: member?.ReplicationGroupRegion, id: member?.ReplicationGroupId };
}

async function describe(client: ElastiCacheClient, step: PromoteCacheStep): Promise<GlobalReplicationGroup> {
  const out = await client.send(new DescribeGlobalReplicationGroupsCommand({ GlobalReplicationGroupId: step.globalReplicationGroupId, ShowMemberInfo: true }));
  const group = out.GlobalReplicationGroups?.[0];
  if (!group) throw new Error(`Global Datastore ${step.globalReplicationGroupId} not found`);
  return group;
}

/** This region's member is the primary: the promotion has happened, or was never needed. */
const ours = (group: GlobalReplicationGroup, step: PromoteCacheStep) => primaryOf(group).id === step.replicationGroupId && primaryOf(group).region === step.region;

/** Whether this region's replication group answers: available, in this region's own API. */
async function answers(client: ElastiCacheClient, step: PromoteCacheStep): Promise<string | undefined> {
  const out = await client.send(new DescribeReplicationGroupsCommand({ ReplicationGroupId: step.replicationGroupId }));
  return out.ReplicationGroups?.[0]?.Status;
}

export async function promoteCache(client: ElastiCacheClient, step: PromoteCacheStep, clock: StepClock): Promise<PromotionOutcome> {
  let group = await describe(client, step);
  let requested = false;
  // Not ours, and no change under way: ask once. A lost answer is safe: the next look finds the
  // promotion under way (the Global Datastore modifying) or done, and does not ask again.
  if (!ours(group, step) && group.Status !== 'modifying') {
    try {
      await client.send(new FailoverGlobalReplicationGroupCommand({
        GlobalReplicationGroupId: step.globalReplicationGroupId,
        PrimaryRegion: step.region,
        PrimaryReplicationGroupId: step.replicationGroupId,
      }));
    } catch (e) {
      // The call may have landed with its answer lost (or a retry of it refused because the
      // first one did): a promotion under way, or done, is ours to wait for, not to ask again.
      group = await describe(client, step);
      if (!ours(group, step) && group.Status !== 'modifying') throw e;
    }
    requested = true;
  }
  const deadline = clock.now() + step.waitMs;
  for (;;) {
    const status = ours(group, step) ? await answers(client, step) : undefined;
    if (status === 'available') return { requested, primaryRegion: step.region };
    if (clock.now() >= deadline) {
      throw new StillPromoting(`Global Datastore ${group.Status}, primary ${primaryOf(group).id ?? 'none'} in ${primaryOf(group).region ?? 'no region'}, this region's group ${status ?? 'not primary yet'}`);
    }
    await clock.sleep(Math.min(POLL_MS, Math.max(0, deadline - clock.now())));
    group = await describe(client, step);
  }
}
