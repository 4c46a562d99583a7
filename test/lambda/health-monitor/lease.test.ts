import { ConditionalCheckFailedException, DynamoDBClient, ProvisionedThroughputExceededException } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { marshall } from '@aws-sdk/util-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { ActionAlreadyClaimedError, IncidentClosedError, LeaseHeldError, LeaseLostError, StaleLeaderError } from '../../../lambda/health-monitor/errors';
import { Lease, LeaseStore, Observed } from '../../../lambda/health-monitor/lease';
import { useLocalTable } from '../../support/dynalite';
import { tableName } from './fixtures';

const DURATION = 1000;
const WINDOW = 60_000;
const T0 = 1_800_000_000_000;
/** A claim's `goneBefore` under which no claimant is gone yet. */
const NONE_GONE = T0 - 60_000;
const OPTIONS = { tableName: 't', monitorId: 'm1', durationMs: DURATION, windowMs: WINDOW };

const local = useLocalTable(() => tableName());
let store: LeaseStore;
beforeEach(() => {
  store = new LeaseStore(local.dynamo.db, { ...OPTIONS, tableName: local.table });
});

const seen = (l: Lease | undefined): Observed | undefined => (l ? { epoch: l.epoch, rvn: l.rvn, leaseExpiresAt: l.leaseExpiresAt } : undefined);
/** Takes the lease as `who` from the item as it is now. */
const takeOver = async (who: string, now: number, rvn: string) => store.acquire(who, now, seen(await store.read()), rvn);

describe('acquire', () => {
  test('the first contender gets epoch 1, its record version, and an expiry for people to read', async () => {
    const lease = await store.acquire('a', T0, undefined, 'v1');
    expect(lease).toEqual({ holder: 'a', epoch: 1, rvn: 'v1', released: false, leaseExpiresAt: T0 + DURATION, incidents: {}, actions: {}, budget: {} });
  });

  test('a contender that saw an older version is refused, with the item as it is', async () => {
    const a = await store.acquire('a', T0, undefined, 'v1');
    await store.renew(a, T0 + 100, 'v2');
    const refusal = await store.acquire('b', T0 + 5000, seen(a), 'w1').catch((e) => e);
    expect(refusal).toBeInstanceOf(LeaseHeldError);
    expect(refusal.current).toMatchObject({ holder: 'a', epoch: 1, rvn: 'v2' });
    expect(refusal.message).toBe('lease held by a (epoch 1, version v2)');
  });

  test('no time is compared: a version unchanged is taken whatever the caller\'s clock says', async () => {
    await store.acquire('a', T0, undefined, 'v1');
    // A clock far behind the holder's: the expiry is in its future, and still the version decides.
    await expect(takeOver('b', T0 - 60_000, 'w1')).resolves.toMatchObject({ holder: 'b', epoch: 2, rvn: 'w1' });
  });

  test('taking over increments the epoch and keeps incidents, claims and budgets', async () => {
    const a = await store.acquire('a', T0, undefined, 'v1');
    await store.openIncident(a, 'api', { id: 'i1', openedAt: T0 + 1 });
    await store.claim(a, T0 + 2, 'alert#i1', 'api', 'i1', 'tok-a', NONE_GONE);
    await store.spend(a, T0 + 3, 'elb');
    const b = await takeOver('b', T0 + 4, 'w1');
    expect(b.epoch).toBe(2);
    expect(b.incidents).toEqual({ api: { id: 'i1', openedAt: T0 + 1 } });
    expect(b.actions['alert#i1']).toMatchObject({ epoch: 1, status: 'claimed' });
    expect(b.budget).toEqual({ [`elb#${Math.floor((T0 + 3) / WINDOW)}`]: 1 });
  });

  test('only one of many contenders that saw the same version wins', async () => {
    const a = await store.acquire('a', T0, undefined, 'v1');
    const results = await Promise.allSettled(Array.from({ length: 20 }, (_, i) => store.acquire(`c${i}`, T0, seen(a), `w${i}`)));
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    expect(results.filter((r) => r.status === 'rejected').every((r) => (r as PromiseRejectedResult).reason instanceof LeaseHeldError)).toBe(true);
    expect((await store.read())?.epoch).toBe(2);
  });
});

describe('renew and release', () => {
  test('a renewal changes the version and the expiry, and nothing else', async () => {
    const a = await store.acquire('a', T0, undefined, 'v1');
    await store.openIncident(a, 'api', { id: 'i1', openedAt: T0 });
    await expect(store.renew(a, T0 + 600, 'v2')).resolves.toBeUndefined();
    expect(await store.read()).toMatchObject({ epoch: 1, rvn: 'v2', leaseExpiresAt: T0 + 600 + DURATION, incidents: { api: { id: 'i1' } } });
  });

  test('a renewal that lands after the leader closed an incident does not bring it back', async () => {
    const a = await store.acquire('a', T0, undefined, 'v1');
    await store.openIncident(a, 'api', { id: 'i1', openedAt: T0 });
    // The renewal is sent, the incident closed meanwhile; the renewal then lands.
    await store.closeIncident(a, 'api', 'i1', []);
    await store.renew(a, T0 + 100, 'v2');
    expect((await store.read())?.incidents).toEqual({});
  });

  test('a deposed holder cannot renew, and learns who holds the lease now', async () => {
    const a = await store.acquire('a', T0, undefined, 'v1');
    await takeOver('b', T0, 'w1');
    const refusal = await store.renew(a, T0 + 2, 'v2').catch((e) => e);
    expect(refusal).toBeInstanceOf(LeaseLostError);
    expect(refusal.message).toBe('lease of epoch 1 lost; now b at epoch 2');
  });

  test('release marks the lease released with a new version, which the next contender takes at once', async () => {
    const a = await store.acquire('a', T0, undefined, 'v1');
    await store.release(a, 'v2');
    const item = await store.read();
    expect(item).toMatchObject({ holder: 'a', released: true, rvn: 'v2' });
    await expect(store.acquire('b', T0 + 10, seen(item), 'w1')).resolves.toMatchObject({ holder: 'b', epoch: 2, released: false });
  });

  test('a released lease cannot be renewed', async () => {
    const a = await store.acquire('a', T0, undefined, 'v1');
    await store.release(a, 'v2');
    await expect(store.renew(a, T0 + 1, 'v3')).rejects.toBeInstanceOf(LeaseLostError);
  });

  test('a deposed holder releasing does not end the new holder\'s lease', async () => {
    const a = await store.acquire('a', T0, undefined, 'v1');
    await takeOver('b', T0, 'w1');
    await store.release(a, 'v2');
    await expect(store.read()).resolves.toMatchObject({ holder: 'b', released: false, rvn: 'w1' });
  });

  test('renewing drops the budgets of windows older than the previous one', async () => {
    const a = await store.acquire('a', T0, undefined, 'v1');
    await store.spend(a, T0, 'elb');
    await store.spend(a, T0, 'dns');
    await store.renew(a, T0 + 2 * WINDOW, 'v2');
    expect((await store.read())?.budget).toEqual({});
  });
});

describe('incidents', () => {
  test('an open incident is returned instead of a second one', async () => {
    const a = await store.acquire('a', T0, undefined, 'v1');
    await store.openIncident(a, 'api', { id: 'i1', openedAt: T0 });
    await expect(store.openIncident(a, 'api', { id: 'i2', openedAt: T0 + 1 })).resolves.toEqual({ id: 'i1', openedAt: T0 });
  });

  test('closing removes the incident and the claims named', async () => {
    const a = await store.acquire('a', T0, undefined, 'v1');
    await store.openIncident(a, 'api', { id: 'i1', openedAt: T0 });
    await store.openIncident(a, 'web', { id: 'i2', openedAt: T0 });
    await store.claim(a, T0, 'alert#i1', 'api', 'i1', 'tok-a', NONE_GONE);
    await store.claim(a, T0, 'alert#i2', 'web', 'i2', 'tok-a', NONE_GONE);
    await store.closeIncident(a, 'api', 'i1', ['alert#i1']);
    const lease = await store.read();
    expect(lease?.incidents).toEqual({ web: { id: 'i2', openedAt: T0 } });
    expect(Object.keys(lease!.actions)).toEqual(['alert#i2']);
    // Closing again is a no-op.
    await expect(store.closeIncident(a, 'api', 'i1', ['alert#i1'])).resolves.toBeUndefined();
  });

  test('a deposed leader cannot open or close incidents', async () => {
    const a = await store.acquire('a', T0, undefined, 'v1');
    await store.openIncident(a, 'api', { id: 'i1', openedAt: T0 });
    await takeOver('b', T0, 'w1');
    await expect(store.openIncident(a, 'web', { id: 'i2', openedAt: T0 + 1 })).rejects.toThrow(StaleLeaderError);
    await expect(store.closeIncident(a, 'api', 'i1', [])).rejects.toThrow(/^refused close incident i1: epoch 1 is no longer the leader \(now b at epoch 2\)$/);
  });
});

describe('claims of alerts', () => {
  let a: Lease;
  beforeEach(async () => {
    a = await store.acquire('a', T0, undefined, 'v1');
    await store.openIncident(a, 'api', { id: 'i1', openedAt: T0 });
  });

  test('a later epoch takes over a claim never marked sending; one marked sending is refused, naming it', async () => {
    await expect(store.claim(a, T0, 'alert#i1', 'api', 'i1', 'tok-a', NONE_GONE)).resolves.toEqual({ epoch: 1, token: 'tok-a', status: 'claimed', claimedAt: T0 });
    const b = await takeOver('b', T0, 'w1');
    await expect(store.claim(b, T0 + 1, 'alert#i1', 'api', 'i1', 'tok-b', NONE_GONE)).resolves.toMatchObject({ epoch: 2, status: 'claimed' });
    await store.markSending(b, T0 + 2, 'alert#i1', 'tok-b');
    expect((await store.read())?.actions['alert#i1']).toEqual({ epoch: 2, token: 'tok-b', status: 'sending', claimedAt: T0 + 1, sendingAt: T0 + 2 });
    const c = await takeOver('c', T0, 'x1');
    // Refused while its claimant may still be sending: marked at T0 + 2, not before it.
    const refusal = await store.claim(c, T0 + 3, 'alert#i1', 'api', 'i1', 'tok-c', T0 + 2).catch((e) => e);
    expect(refusal).toBeInstanceOf(ActionAlreadyClaimedError);
    expect(refusal.message).toBe('action alert#i1 already claimed by epoch 2 (sending)');
    // Taken over once its claimant is surely gone: sent again rather than missed.
    await expect(store.claim(c, T0 + 4, 'alert#i1', 'api', 'i1', 'tok-c', T0 + 3)).resolves.toMatchObject({ epoch: 3, token: 'tok-c', status: 'claimed' });
  });

  test('a claim left sending by this epoch is never taken over by it, however old', async () => {
    await store.claim(a, T0, 'alert#i1', 'api', 'i1', 'tok-a', NONE_GONE);
    await store.markSending(a, T0 + 1, 'alert#i1', 'tok-a');
    await expect(store.claim(a, T0 + 2, 'alert#i1', 'api', 'i1', 'tok-a2', T0 + 2)).rejects.toBeInstanceOf(ActionAlreadyClaimedError);
  });

  test('a claim or a mark whose answer was lost is recognised: the same epoch writing it again gets it', async () => {
    await store.claim(a, T0, 'alert#i1', 'api', 'i1', 'tok-a', NONE_GONE);
    await expect(store.claim(a, T0 + 5, 'alert#i1', 'api', 'i1', 'tok-a2', NONE_GONE)).resolves.toMatchObject({ epoch: 1, status: 'claimed', token: 'tok-a' });
    await store.markSending(a, T0 + 6, 'alert#i1', 'tok-a');
    await expect(store.markSending(a, T0 + 7, 'alert#i1', 'tok-a')).resolves.toBeUndefined();
  });

  test('a settle that lands late does not touch a later claim of the same alert', async () => {
    await store.claim(a, T0, 'alert#i1', 'api', 'i1', 'first', NONE_GONE);
    await store.settle('alert#i1', 'first', 'abandoned');
    await store.claim(a, T0 + 1, 'alert#i1', 'api', 'i1', 'second', NONE_GONE);
    await store.markSending(a, T0 + 2, 'alert#i1', 'second');
    // The first attempt's abandon, sent again and landing now, changes nothing.
    await expect(store.settle('alert#i1', 'first', 'abandoned')).resolves.toBe(false);
    expect((await store.read())?.actions['alert#i1']).toMatchObject({ token: 'second', status: 'sending' });
  });

  test('a deposed claimant cannot mark its claim sending', async () => {
    await store.claim(a, T0, 'alert#i1', 'api', 'i1', 'tok-a', NONE_GONE);
    await takeOver('b', T0, 'w1');
    await expect(store.markSending(a, T0 + 1, 'alert#i1', 'tok-a')).rejects.toThrow('refused send alert#i1: epoch 1 is no longer the leader (now b at epoch 2)');
  });

  test('a claim of an incident that is not open is refused, and none is left behind', async () => {
    const refusal = await store.claim(a, T0, 'alert#i9', 'api', 'i9', 'tok-a', NONE_GONE).catch((e) => e);
    expect(refusal).toBeInstanceOf(IncidentClosedError);
    expect(refusal.message).toBe('action alert#i9 not claimed: incident i9 is closed');
    await store.closeIncident(a, 'api', 'i1', []);
    await expect(store.claim(a, T0, 'recovery#i1', 'api', 'i1', 'tok-a', NONE_GONE)).rejects.toBeInstanceOf(IncidentClosedError);
    expect((await store.read())?.actions).toEqual({});
  });

  test('a deposed leader that wakes up late is refused, and the new leader claims', async () => {
    const b = await takeOver('b', T0, 'w1');
    const refusal = await store.claim(a, T0 + 10, 'alert#i1', 'api', 'i1', 'tok-a', NONE_GONE).catch((e) => e);
    expect(refusal).toBeInstanceOf(StaleLeaderError);
    expect(refusal.message).toBe('refused claim alert#i1: epoch 1 is no longer the leader (now b at epoch 2)');
    await expect(store.claim(b, T0 + 11, 'alert#i1', 'api', 'i1', 'tok-b', NONE_GONE)).resolves.toMatchObject({ epoch: 2 });
  });

  test('an abandoned claim can be claimed again; a done or unknown one never', async () => {
    await store.claim(a, T0, 'alert#i1', 'api', 'i1', 'tok-a', NONE_GONE);
    await expect(store.settle('alert#i1', 'tok-a', 'abandoned')).resolves.toBe(true);
    await expect(store.claim(a, T0 + 1, 'alert#i1', 'api', 'i1', 'tok-a', NONE_GONE)).resolves.toMatchObject({ status: 'claimed', claimedAt: T0 + 1 });
    await store.settle('alert#i1', 'tok-a', 'unknown');
    await expect(store.claim(a, T0 + 2, 'alert#i1', 'api', 'i1', 'tok-a', NONE_GONE)).rejects.toThrow('action alert#i1 already claimed by epoch 1 (unknown)');
  });

  test('only the claim itself (its token) settles it, and only once, lease or not', async () => {
    await store.claim(a, T0, 'alert#i1', 'api', 'i1', 'tok-a', NONE_GONE);
    await expect(store.settle('alert#i1', 'another', 'done')).resolves.toBe(false);
    await takeOver('b', T0, 'w1');
    await expect(store.settle('alert#i1', 'tok-a', 'done')).resolves.toBe(true);
    await expect(store.settle('alert#i1', 'tok-a', 'abandoned')).resolves.toBe(false);
    await expect(store.settle('never-claimed', 'tok-a', 'done')).resolves.toBe(false);
  });
});

describe('budgets', () => {
  test('each budget counts its own successes per window; a deposed leader spends nothing', async () => {
    const a = await store.acquire('a', T0, undefined, 'v1');
    await store.spend(a, T0, 'elb');
    await store.spend(a, T0, 'elb');
    await store.spend(a, T0, 'dns');
    await store.spend(a, T0 + WINDOW, 'elb');
    const w = Math.floor(T0 / WINDOW);
    expect((await store.read())?.budget).toEqual({ [`elb#${w}`]: 2, [`dns#${w}`]: 1, [`elb#${w + 1}`]: 1 });
    await takeOver('b', T0, 'w1');
    await expect(store.spend(a, T0, 'elb')).rejects.toBeInstanceOf(StaleLeaderError);
  });
});

describe('with DynamoDB returning the item of a failed condition', () => {
  // DynamoDB returns the item with ReturnValuesOnConditionCheckFailure = ALL_OLD; the local
  // server does not, so this path is checked against the SDK's own exception type.
  const failed = (item: Record<string, unknown>) => new ConditionalCheckFailedException({
    message: 'The conditional request failed', $metadata: {}, Item: marshall(item),
  });
  const mocked = () => {
    const client = DynamoDBDocumentClient.from(new DynamoDBClient({ region: 'eu-west-1' }));
    return { client, mock: mockClient(client) };
  };
  const lease: Lease = { holder: 'a', epoch: 3, rvn: 'v', released: false, leaseExpiresAt: T0 + 900, incidents: { api: { id: 'i1', openedAt: T0 } }, actions: {}, budget: {} };

  test('a refused acquire is explained from the returned item, without reading it again', async () => {
    const { client, mock } = mocked();
    mock.on(UpdateCommand).rejects(failed({ pk: 'm1', sk: 'lease', holder: 'z', epoch: 7, rvn: 'r8', leaseExpiresAt: T0 + 5 }));
    const refusal = await new LeaseStore(client, OPTIONS).acquire('a', T0, { epoch: 7, rvn: 'r7', leaseExpiresAt: T0 }, 'v1').catch((e) => e);
    expect(refusal).toBeInstanceOf(LeaseHeldError);
    expect(refusal.current).toMatchObject({ holder: 'z', epoch: 7, rvn: 'r8' });
    expect(mock.commandCalls(GetCommand)).toHaveLength(0);
    const sent = mock.commandCalls(UpdateCommand)[0].args[0].input;
    expect(sent).toMatchObject({
      ConditionExpression: 'epoch = :seenEpoch AND leaseExpiresAt = :seenExpiry AND rvn = :seenRvn',
      ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
      ExpressionAttributeValues: expect.objectContaining({ ':me': 'a', ':rvn': 'v1', ':seenRvn': 'r7', ':seenEpoch': 7, ':one': 1 }),
    });
    expect(sent.UpdateExpression).toMatch(/ ADD epoch :one$/);
  });

  test('an item written before record versions is taken on its epoch and expiry', async () => {
    const { client, mock } = mocked();
    mock.on(UpdateCommand).resolves({ Attributes: { holder: 'a', epoch: 8 } });
    await new LeaseStore(client, OPTIONS).acquire('a', T0, { epoch: 7, rvn: '', leaseExpiresAt: T0 }, 'v1');
    expect(mock.commandCalls(UpdateCommand)[0].args[0].input.ConditionExpression).toBe('epoch = :seenEpoch AND leaseExpiresAt = :seenExpiry AND attribute_not_exists(rvn)');
  });

  test('a refused claim by the current leader is a claim conflict, read from the returned item', async () => {
    const { client, mock } = mocked();
    mock.on(UpdateCommand).rejects(failed({
      pk: 'm1', sk: 'lease', holder: 'a', epoch: 3, rvn: 'v', incidents: { api: { id: 'i1', openedAt: T0 } },
      actions: { 'alert#i1': { epoch: 2, status: 'done', claimedAt: T0 } },
    }));
    const refusal = await new LeaseStore(client, OPTIONS).claim(lease, T0, 'alert#i1', 'api', 'i1', 't', NONE_GONE).catch((e) => e);
    expect(refusal).toBeInstanceOf(ActionAlreadyClaimedError);
    expect(refusal.current).toMatchObject({ epoch: 2, status: 'done' });
    expect(mock.commandCalls(GetCommand)).toHaveLength(0);
    expect(mock.commandCalls(UpdateCommand)[0].args[0].input.ConditionExpression).toBe(
      'holder = :me AND epoch = :epoch AND (incidents.#g.id = :incident AND (attribute_not_exists(actions.#k) OR actions.#k.#st = :abandoned '
      + 'OR (actions.#k.#st = :claimed AND actions.#k.epoch < :epoch) '
      + 'OR (actions.#k.#st IN (:sending, :unknown) AND actions.#k.epoch < :epoch AND actions.#k.sendingAt < :gone)))');
  });

  test('errors other than a failed condition are not taken for a refusal', async () => {
    const { client, mock } = mocked();
    mock.on(UpdateCommand).rejects(new ProvisionedThroughputExceededException({ message: 'slow down', $metadata: {} }));
    const leases = new LeaseStore(client, OPTIONS);
    await expect(leases.acquire('a', T0, undefined, 'v')).rejects.toBeInstanceOf(ProvisionedThroughputExceededException);
    await expect(leases.renew(lease, T0, 'v')).rejects.toBeInstanceOf(ProvisionedThroughputExceededException);
    await expect(leases.release(lease, 'v')).rejects.toBeInstanceOf(ProvisionedThroughputExceededException);
    await expect(leases.claim(lease, T0, 'k', 'api', 'i1', 't', NONE_GONE)).rejects.toBeInstanceOf(ProvisionedThroughputExceededException);
    await expect(leases.markSending(lease, T0, 'k', 't')).rejects.toBeInstanceOf(ProvisionedThroughputExceededException);
    await expect(leases.settle('k', 't', 'done')).rejects.toBeInstanceOf(ProvisionedThroughputExceededException);
  });
});
