/**
 * The cache step of a region switch: this region's Global Datastore member promoted once, waited
 * for, never asked twice; against a fake that keeps the Global Datastore's true state.
 */
import {
  DescribeGlobalReplicationGroupsCommand, DescribeReplicationGroupsCommand, ElastiCacheClient, FailoverGlobalReplicationGroupCommand,
} from '@aws-sdk/client-elasticache';
import { mockClient } from 'aws-sdk-client-mock';
import { parseStepConfig } from '../../../lambda/region-switch/config';
import { PromoteCacheStep, STEP_CONFIG_ENV } from '../../../lambda/region-switch/contract';
import { StillPromoting, promoteCache } from '../../../lambda/region-switch/promote-cache';

const STEP: PromoteCacheStep = {
  action: 'promote-cache', globalReplicationGroupId: 'ldgnf-sessions', region: 'eu-central-1', replicationGroupId: 'standby-sessions', waitMs: 60_000,
};

/** The Global Datastore as ElastiCache holds it: who is primary, and a promotion under way. */
class FakeDatastore {
  public primary = { id: 'primary-sessions', region: 'eu-west-1' };
  public status = 'available';
  /** Polls left before a promotion under way completes. */
  public promotionPolls = 0;
  /** Polls a promotion takes. */
  public promotionLength = 2;
  public failovers = 0;
  /** Make the next failover land but lose its answer. */
  public loseAnswer = false;
  public readonly mock = mockClient(ElastiCacheClient);

  constructor() {
    this.mock.on(DescribeGlobalReplicationGroupsCommand).callsFake(() => {
      if (this.status === 'modifying' && this.promotionPolls-- <= 0) {
        this.primary = { id: STEP.replicationGroupId, region: STEP.region };
        this.status = 'available';
      }
      return { GlobalReplicationGroups: [{ Status: this.status, Members: [
        { ReplicationGroupId: 'primary-sessions', ReplicationGroupRegion: 'eu-west-1', Role: this.primary.id === 'primary-sessions' ? 'PRIMARY' : 'SECONDARY' },
        { ReplicationGroupId: STEP.replicationGroupId, ReplicationGroupRegion: STEP.region, Role: this.primary.id === STEP.replicationGroupId ? 'PRIMARY' : 'SECONDARY' },
      ] }] };
    });
    this.mock.on(DescribeReplicationGroupsCommand).resolves({ ReplicationGroups: [{ ReplicationGroupId: STEP.replicationGroupId, Status: 'available' }] });
    this.mock.on(FailoverGlobalReplicationGroupCommand).callsFake(() => {
      if (this.status === 'modifying') throw Object.assign(new Error('The Global Datastore is not available'), { name: 'InvalidGlobalReplicationGroupStateFault' });
      this.failovers++;
      this.status = 'modifying';
      this.promotionPolls = this.promotionLength;
      if (this.loseAnswer) throw Object.assign(new Error('socket hang up'), { name: 'TimeoutError' });
      return {};
    });
  }
}

const clock = () => {
  let now = 0;
  return { now: () => now, sleep: async (ms: number) => { now += ms; } };
};

describe('the cache step of a region switch', () => {
  let fake: FakeDatastore;
  beforeEach(() => { fake = new FakeDatastore(); });
  afterEach(() => fake.mock.restore());

  test('promotes this region\'s member once, with the exact request, and returns when its group answers', async () => {
    const outcome = await promoteCache(new ElastiCacheClient({ region: STEP.region }), STEP, clock());
    expect(outcome).toEqual({ requested: true, primaryRegion: 'eu-central-1' });
    expect(fake.mock.commandCalls(FailoverGlobalReplicationGroupCommand).map((c) => c.args[0].input)).toEqual([
      { GlobalReplicationGroupId: 'ldgnf-sessions', PrimaryRegion: 'eu-central-1', PrimaryReplicationGroupId: 'standby-sessions' },
    ]);
    expect(fake.primary).toEqual({ id: 'standby-sessions', region: 'eu-central-1' });
  });

  test('a member that is the primary already is left as it is', async () => {
    fake.primary = { id: STEP.replicationGroupId, region: STEP.region };
    expect(await promoteCache(new ElastiCacheClient({ region: STEP.region }), STEP, clock())).toEqual({ requested: false, primaryRegion: 'eu-central-1' });
    expect(fake.failovers).toBe(0);
  });

  test('a promotion whose answer was lost is waited for, not asked again', async () => {
    fake.loseAnswer = true;
    const outcome = await promoteCache(new ElastiCacheClient({ region: STEP.region, maxAttempts: 1 }), STEP, clock());
    expect(outcome.primaryRegion).toBe('eu-central-1');
    expect(fake.failovers).toBe(1);
    expect(fake.mock.commandCalls(FailoverGlobalReplicationGroupCommand)).toHaveLength(1);
  });

  test('an invocation out of time fails for ARC to retry; the retry waits for the same promotion and asks nothing', async () => {
    fake.promotionLength = 100;
    await expect(promoteCache(new ElastiCacheClient({ region: STEP.region }), { ...STEP, waitMs: 10_000 }, clock())).rejects.toThrow(StillPromoting);
    expect(fake.status).toBe('modifying');
    fake.promotionPolls = 1;
    expect(await promoteCache(new ElastiCacheClient({ region: STEP.region }), STEP, clock())).toEqual({ requested: false, primaryRegion: 'eu-central-1' });
    expect(fake.mock.commandCalls(FailoverGlobalReplicationGroupCommand)).toHaveLength(1);
  });

  test('a refusal that changed nothing is the step\'s failure', async () => {
    fake.mock.on(FailoverGlobalReplicationGroupCommand).rejects(Object.assign(new Error('not authorized'), { name: 'AccessDeniedException' }));
    await expect(promoteCache(new ElastiCacheClient({ region: STEP.region, maxAttempts: 1 }), STEP, clock())).rejects.toThrow('not authorized');
  });
});

describe('the step\'s configuration', () => {
  test('is read from its environment variable, and refused when incomplete', () => {
    expect(STEP_CONFIG_ENV).toBe('HA_KIT_REGION_SWITCH_STEP');
    expect(parseStepConfig(JSON.stringify(STEP))).toEqual(STEP);
    expect(() => parseStepConfig(undefined)).toThrow('no step configuration in the environment');
    expect(() => parseStepConfig(JSON.stringify({ ...STEP, action: 'promote-all' }))).toThrow('unknown step action "promote-all"');
    expect(() => parseStepConfig(JSON.stringify({ ...STEP, replicationGroupId: '' }))).toThrow('promote-cache: replicationGroupId missing');
  });
});
