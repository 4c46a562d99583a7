import { ConditionalCheckFailedException, DynamoDBClient, ProvisionedThroughputExceededException } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { marshall } from '@aws-sdk/util-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import {
  ActionAlreadyClaimedError, ActionCapReachedError, LeaseHeldError, LeaseLostError, StaleLeaderError,
} from '../../../lambda/health-monitor/errors';
import { LeaseStore } from '../../../lambda/health-monitor/lease';
import { LocalDynamo, startDynalite } from '../../support/dynalite';
import { tableName } from './fixtures';

const DURATION = 1000;
const CAP = { maxActions: 2, windowMs: 60_000 };
const T0 = 1_800_000_000_000;
const IDEMPOTENT = { deadline: T0 + 500, capped: true, retakeVanished: true };
const ALERT = { deadline: T0 + 500, capped: false, retakeVanished: false };

let dynamo: LocalDynamo;
let store: LeaseStore;
let table: string;

beforeAll(async () => {
  dynamo = await startDynalite();
});
afterAll(() => dynamo.close());
beforeEach(async () => {
  table = tableName();
  await dynamo.createTable(table);
  store = new LeaseStore(dynamo.db, { tableName: table, monitorId: 'm1', durationMs: DURATION }, CAP);
});

describe('acquire', () => {
  test('the first contender gets epoch 1 and a lease of the configured duration', async () => {
    const lease = await store.acquire('a', T0);
    expect(lease).toEqual({ holder: 'a', epoch: 1, leaseExpiresAt: T0 + DURATION, incidents: {}, actions: {} });
  });

  test('a second contender is refused with the holder, while the lease runs', async () => {
    await store.acquire('a', T0);
    const refusal = await store.acquire('b', T0 + DURATION - 1).catch((e) => e);
    expect(refusal).toBeInstanceOf(LeaseHeldError);
    expect(refusal.current).toMatchObject({ holder: 'a', epoch: 1, leaseExpiresAt: T0 + DURATION });
    expect(refusal.message).toMatch(/^lease held by a \(epoch 1\) until /);
  });

  test('a lease is not taken at its expiry instant, only after it', async () => {
    await store.acquire('a', T0);
    await expect(store.acquire('b', T0 + DURATION)).rejects.toBeInstanceOf(LeaseHeldError);
    await expect(store.acquire('b', T0 + DURATION + 1)).resolves.toMatchObject({ holder: 'b', epoch: 2 });
  });

  test('taking over an expired lease increments the epoch and keeps incidents and claims', async () => {
    const a = await store.acquire('a', T0);
    await store.openIncident(a, T0 + 1, 'api', { id: 'i1', openedAt: T0 + 1 });
    await store.claim(a, T0 + 2, 'alert#i1', ALERT);
    const b = await store.acquire('b', T0 + DURATION + 1);
    expect(b.epoch).toBe(2);
    expect(b.incidents).toEqual({ api: { id: 'i1', openedAt: T0 + 1 } });
    expect(b.actions['alert#i1']).toMatchObject({ epoch: 1, status: 'sending' });
  });

  test('only one of many simultaneous contenders wins, and each epoch has one holder', async () => {
    const results = await Promise.allSettled(Array.from({ length: 20 }, (_, i) => store.acquire(`c${i}`, T0)));
    const won = results.filter((r) => r.status === 'fulfilled');
    expect(won).toHaveLength(1);
    expect(results.filter((r) => r.status === 'rejected').every((r) => (r as PromiseRejectedResult).reason instanceof LeaseHeldError)).toBe(true);
  });
});

describe('renew and release', () => {
  test('the holder extends its lease', async () => {
    const a = await store.acquire('a', T0);
    await expect(store.renew(a, T0 + 600)).resolves.toMatchObject({ epoch: 1, leaseExpiresAt: T0 + 600 + DURATION });
  });

  test('a deposed holder cannot renew, and learns who holds the lease now', async () => {
    const a = await store.acquire('a', T0);
    await store.acquire('b', T0 + DURATION + 1);
    const refusal = await store.renew(a, T0 + DURATION + 2).catch((e) => e);
    expect(refusal).toBeInstanceOf(LeaseLostError);
    expect(refusal.message).toBe('lease of epoch 1 lost; now b at epoch 2');
  });

  test('release lets the next contender in at once, before the lease would have expired', async () => {
    const a = await store.acquire('a', T0);
    await store.release(a);
    await expect(store.acquire('b', T0 + 10)).resolves.toMatchObject({ holder: 'b', epoch: 2 });
  });

  test('a deposed holder releasing does not end the new holder\'s lease', async () => {
    const a = await store.acquire('a', T0);
    await store.acquire('b', T0 + DURATION + 1);
    await store.release(a);
    await expect(store.read()).resolves.toMatchObject({ holder: 'b', leaseExpiresAt: T0 + 2 * DURATION + 1 });
  });

  test('renewing drops the action counts of windows older than the previous one', async () => {
    const a = await store.acquire('a', T0);
    await store.openIncident(a, T0, 'api', { id: 'i1', openedAt: T0 });
    await store.claim(a, T0, 'deregister#x#i1', IDEMPOTENT);
    const later = T0 + 2 * CAP.windowMs;
    const b = await store.acquire('b', later);
    await store.renew(b, later + 1);
    const item = await dynamo.db.send(new GetCommand({ TableName: table, Key: { pk: 'm1', sk: 'lease' } }));
    expect(item.Item?.windows).toEqual({});
  });
});

describe('incidents', () => {
  test('an open incident is returned instead of a second one', async () => {
    const a = await store.acquire('a', T0);
    await store.openIncident(a, T0, 'api', { id: 'i1', openedAt: T0 });
    await expect(store.openIncident(a, T0 + 1, 'api', { id: 'i2', openedAt: T0 + 1 })).resolves.toEqual({ id: 'i1', openedAt: T0 });
  });

  test('closing removes the incident and the claims named', async () => {
    const a = await store.acquire('a', T0);
    await store.openIncident(a, T0, 'api', { id: 'i1', openedAt: T0 });
    await store.claim(a, T0, 'alert#i1', ALERT);
    await store.claim(a, T0, 'alert#other', ALERT);
    await store.closeIncident(a, T0 + 1, 'api', 'i1', ['alert#i1']);
    const lease = await store.read();
    expect(lease?.incidents).toEqual({});
    expect(Object.keys(lease!.actions)).toEqual(['alert#other']);
    // Closing again is a no-op.
    await expect(store.closeIncident(a, T0 + 2, 'api', 'i1', ['alert#i1'])).resolves.toBeUndefined();
  });

  test('a deposed leader cannot open or close incidents', async () => {
    const a = await store.acquire('a', T0);
    await store.openIncident(a, T0, 'api', { id: 'i1', openedAt: T0 });
    await store.acquire('b', T0 + DURATION + 1);
    await expect(store.openIncident(a, T0 + 1, 'web', { id: 'i2', openedAt: T0 + 1 })).rejects.toThrow(StaleLeaderError);
    await expect(store.closeIncident(a, T0 + 1, 'api', 'i1', [])).rejects.toThrow(/^refused close incident i1: epoch 1 is no longer the leader \(now b at epoch 2\)$/);
  });
});

describe('claims: the action ledger', () => {
  test('an action is claimed once; the second claim names the first', async () => {
    const a = await store.acquire('a', T0);
    await expect(store.claim(a, T0, 'alert#i1', ALERT)).resolves.toEqual({ epoch: 1, status: 'sending', deadline: T0 + 500, claimedAt: T0 });
    const refusal = await store.claim(a, T0 + 1, 'alert#i1', ALERT).catch((e) => e);
    expect(refusal).toBeInstanceOf(ActionAlreadyClaimedError);
    expect(refusal.message).toBe('action alert#i1 already claimed by epoch 1 (sending)');
    expect(refusal.current).toMatchObject({ epoch: 1, status: 'sending' });
  });

  test('a claim is refused to a holder whose lease expired, even when nobody took over', async () => {
    const a = await store.acquire('a', T0);
    await expect(store.claim(a, T0 + DURATION, 'alert#i1', ALERT)).rejects.toThrow(StaleLeaderError);
  });

  test('a deposed leader that wakes up late is refused, and the new leader claims', async () => {
    const a = await store.acquire('a', T0);
    const b = await store.acquire('b', T0 + DURATION + 5);
    const refusal = await store.claim(a, T0 + 10, 'deregister#x#i1', IDEMPOTENT).catch((e) => e);
    expect(refusal).toBeInstanceOf(StaleLeaderError);
    expect(refusal.message).toBe('refused claim deregister#x#i1: epoch 1 is no longer the leader (now b at epoch 2)');
    await expect(store.claim(b, T0 + DURATION + 6, 'deregister#x#i1', IDEMPOTENT)).resolves.toMatchObject({ epoch: 2 });
  });

  test('an abandoned claim can be claimed again', async () => {
    const a = await store.acquire('a', T0);
    await store.claim(a, T0, 'alert#i1', ALERT);
    await expect(store.settle('alert#i1', 1, 'abandoned')).resolves.toBe(true);
    await expect(store.claim(a, T0 + 1, 'alert#i1', ALERT)).resolves.toMatchObject({ status: 'sending', claimedAt: T0 + 1 });
  });

  test('a done claim is never claimed again', async () => {
    const a = await store.acquire('a', T0);
    await store.claim(a, T0, 'deregister#x#i1', IDEMPOTENT);
    await store.settle('deregister#x#i1', 1, 'done');
    await expect(store.claim(a, T0 + 900, 'deregister#x#i1', IDEMPOTENT)).rejects.toThrow('action deregister#x#i1 already claimed by epoch 1 (done)');
  });

  test('a vanished claimant\'s idempotent action is retaken after its deadline; its alert is not', async () => {
    const a = await store.acquire('a', T0);
    await store.claim(a, T0, 'deregister#x#i1', IDEMPOTENT);
    await store.claim(a, T0, 'alert#i1', ALERT);
    const b = await store.acquire('b', T0 + DURATION + 1);
    await expect(store.claim(b, T0 + DURATION + 2, 'deregister#x#i1', IDEMPOTENT)).resolves.toMatchObject({ epoch: 2 });
    await expect(store.claim(b, T0 + DURATION + 2, 'alert#i1', ALERT)).rejects.toBeInstanceOf(ActionAlreadyClaimedError);
  });

  test('a vanished claim is not retaken before its deadline', async () => {
    const a = await store.acquire('a', T0);
    await store.claim(a, T0, 'deregister#x#i1', { ...IDEMPOTENT, deadline: T0 + 5000 });
    const b = await store.acquire('b', T0 + DURATION + 1);
    await expect(store.claim(b, T0 + DURATION + 2, 'deregister#x#i1', IDEMPOTENT)).rejects.toBeInstanceOf(ActionAlreadyClaimedError);
  });

  test('capped actions stop at the cap for the window; alerts are not counted; the next window starts afresh', async () => {
    const a = await store.acquire('a', T0);
    await store.claim(a, T0, 'deregister#x#i1', IDEMPOTENT);
    await store.claim(a, T0, 'deregister#y#i1', IDEMPOTENT);
    await expect(store.claim(a, T0, 'alert#i1', ALERT)).resolves.toMatchObject({ status: 'sending' });
    const refusal = await store.claim(a, T0, 'deregister#z#i1', IDEMPOTENT).catch((e) => e);
    expect(refusal).toBeInstanceOf(ActionCapReachedError);
    expect(refusal.message).toBe('action deregister#z#i1 not taken: 2 actions in this window already');
    const next = T0 - (T0 % CAP.windowMs) + CAP.windowMs;
    const renewed = await store.renew(a, next);
    await expect(store.claim(renewed, next, 'deregister#z#i1', IDEMPOTENT)).resolves.toMatchObject({ status: 'sending' });
  });

  test('only the claimant\'s epoch settles a claim, and only once', async () => {
    const a = await store.acquire('a', T0);
    await store.claim(a, T0, 'alert#i1', ALERT);
    await expect(store.settle('alert#i1', 2, 'done')).resolves.toBe(false);
    await expect(store.settle('alert#i1', 1, 'done')).resolves.toBe(true);
    await expect(store.settle('alert#i1', 1, 'abandoned')).resolves.toBe(false);
    await expect(store.settle('never-claimed', 1, 'done')).resolves.toBe(false);
  });

  test('a claimant that lost its lease still records that it acted', async () => {
    const a = await store.acquire('a', T0);
    await store.claim(a, T0, 'alert#i1', ALERT);
    await store.acquire('b', T0 + DURATION + 1);
    await expect(store.settle('alert#i1', 1, 'done')).resolves.toBe(true);
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

  test('a refused acquire is explained from the returned item, without reading it again', async () => {
    const { client, mock } = mocked();
    mock.on(UpdateCommand).rejects(failed({ pk: 'm1', sk: 'lease', holder: 'z', epoch: 7, leaseExpiresAt: T0 + 5 }));
    const refusal = await new LeaseStore(client, { tableName: 't', monitorId: 'm1', durationMs: DURATION }, CAP).acquire('a', T0).catch((e) => e);
    expect(refusal).toBeInstanceOf(LeaseHeldError);
    expect(refusal.current).toMatchObject({ holder: 'z', epoch: 7 });
    expect(mock.commandCalls(GetCommand)).toHaveLength(0);
    const sent = mock.commandCalls(UpdateCommand)[0].args[0].input;
    expect(sent).toMatchObject({
      ConditionExpression: 'attribute_not_exists(pk) OR leaseExpiresAt < :now',
      ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
      ExpressionAttributeValues: expect.objectContaining({ ':me': 'a', ':now': T0, ':exp': T0 + DURATION, ':one': 1 }),
    });
    expect(sent.UpdateExpression).toMatch(/ ADD epoch :one$/);
  });

  test('a refused claim by the current leader is a claim conflict, read from the returned item', async () => {
    const { client, mock } = mocked();
    mock.on(UpdateCommand).rejects(failed({
      pk: 'm1', sk: 'lease', holder: 'a', epoch: 3, leaseExpiresAt: T0 + 900,
      actions: { 'alert#i1': { epoch: 2, status: 'done', deadline: T0, claimedAt: T0 } },
    }));
    const lease = { holder: 'a', epoch: 3, leaseExpiresAt: T0 + 900, incidents: {}, actions: {} };
    const refusal = await new LeaseStore(client, { tableName: 't', monitorId: 'm1', durationMs: DURATION }, CAP).claim(lease, T0, 'alert#i1', ALERT).catch((e) => e);
    expect(refusal).toBeInstanceOf(ActionAlreadyClaimedError);
    expect(refusal.current).toMatchObject({ epoch: 2, status: 'done' });
    expect(mock.commandCalls(GetCommand)).toHaveLength(0);
    expect(mock.commandCalls(UpdateCommand)[0].args[0].input.ConditionExpression).toBe(
      'holder = :me AND epoch = :epoch AND leaseExpiresAt > :now AND (attribute_not_exists(actions.#k) OR actions.#k.#st = :abandoned)');
  });

  test('errors other than a failed condition are not taken for a refusal', async () => {
    const { client, mock } = mocked();
    mock.on(UpdateCommand).rejects(new ProvisionedThroughputExceededException({ message: 'slow down', $metadata: {} }));
    const leases = new LeaseStore(client, { tableName: 't', monitorId: 'm1', durationMs: DURATION }, CAP);
    const lease = { holder: 'a', epoch: 3, leaseExpiresAt: T0 + 900, incidents: {}, actions: {} };
    await expect(leases.acquire('a', T0)).rejects.toBeInstanceOf(ProvisionedThroughputExceededException);
    await expect(leases.renew(lease, T0)).rejects.toBeInstanceOf(ProvisionedThroughputExceededException);
    await expect(leases.release(lease)).rejects.toBeInstanceOf(ProvisionedThroughputExceededException);
    await expect(leases.claim(lease, T0, 'k', ALERT)).rejects.toBeInstanceOf(ProvisionedThroughputExceededException);
    await expect(leases.settle('k', 3, 'done')).rejects.toBeInstanceOf(ProvisionedThroughputExceededException);
  });
});
