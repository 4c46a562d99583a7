import { PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { ActionLedger } from '../../../lambda/health-monitor/ledger';
import { StoredTarget, TargetStateStore } from '../../../lambda/health-monitor/state-store';
import { TableSwitches } from '../../../lambda/health-monitor/switches';
import { useLocalTable } from '../../support/dynalite';
import { tableName } from './fixtures';

const local = useLocalTable(() => tableName());

const target = (overrides: Partial<StoredTarget> = {}): StoredTarget => ({
  id: 'api/10.0.1.10:8080', group: 'api', host: '10.0.1.10', port: 8080, deregistered: false,
  status: 'UP', failures: 0, successes: 2, lastProbeAt: 1000, lastChangeAt: 900, ...overrides,
});

describe('TargetStateStore', () => {
  test('tracking state survives a change of leader', async () => {
    const store = new TargetStateStore(local.dynamo.db, local.table, 'm1');
    await expect(store.saveTracking(target({ status: 'DOWN', failures: 3, successes: 0 }), 1)).resolves.toBe(true);
    const loaded = await new TargetStateStore(local.dynamo.db, local.table, 'm1').loadAll();
    expect(loaded.get('api/10.0.1.10:8080')).toEqual(target({ status: 'DOWN', failures: 3, successes: 0, deregisteredIn: undefined, removedAt: undefined }));
  });

  test('a later epoch\'s write cannot be overwritten by an earlier epoch', async () => {
    const store = new TargetStateStore(local.dynamo.db, local.table, 'm1');
    await store.saveTracking(target({ status: 'DOWN' }), 5);
    await expect(store.saveTracking(target({ status: 'UP' }), 4)).resolves.toBe(false);
    await expect(store.saveRegistration(target(), 4, 'i1', 1000)).resolves.toBe(false);
    await expect(store.saveTracking(target({ status: 'UP' }), 5)).resolves.toBe(true);
    await expect(store.saveTracking(target({ status: 'DOWN' }), 6)).resolves.toBe(true);
    expect((await store.loadAll()).get('api/10.0.1.10:8080')?.status).toBe('DOWN');
  });

  test('a tracking write keeps a deregistration another leader recorded', async () => {
    const store = new TargetStateStore(local.dynamo.db, local.table, 'm1');
    await store.saveRegistration(target(), 1, 'api@2026-11-21T10:00:00.000Z/e1', 1_800_000_000_000);
    // The next leader had loaded the target before the deregistration was recorded.
    await store.saveTracking(target({ status: 'DOWN', failures: 2 }), 2);
    expect((await store.loadAll()).get('api/10.0.1.10:8080')).toMatchObject({
      status: 'DOWN', failures: 2, deregistered: true, deregisteredIn: 'api@2026-11-21T10:00:00.000Z/e1', removedAt: 1_800_000_000_000,
    });
    await store.saveRegistration(target(), 2, undefined, 1_800_000_001_000);
    expect((await store.loadAll()).get('api/10.0.1.10:8080')).toMatchObject({ deregistered: false, deregisteredIn: undefined, removedAt: undefined });
  });

  test('a target forgotten is gone, unless a later epoch wrote it', async () => {
    const store = new TargetStateStore(local.dynamo.db, local.table, 'm1');
    await store.saveRegistration(target(), 3, 'i1', 1000);
    await expect(store.forget(target(), 2)).resolves.toBe(false);
    await expect(store.forget(target(), 3)).resolves.toBe(true);
    expect((await store.loadAll()).size).toBe(0);
  });

  test('targets are kept per monitor and read across pages', async () => {
    const store = new TargetStateStore(local.dynamo.db, local.table, 'm1');
    const big = 'x'.repeat(20_000);
    for (let i = 0; i < 60; i++) await store.saveTracking(target({ id: `api/10.0.1.${i}:8080`, host: big }), 1);
    await new TargetStateStore(local.dynamo.db, local.table, 'm2').saveTracking(target(), 1);
    const loaded = await store.loadAll();
    expect(loaded.size).toBe(60);
    expect(loaded.has('api/10.0.1.59:8080')).toBe(true);
  });
});

describe('TableSwitches', () => {
  test.each([
    ['no switches item', undefined, false, { paused: false, dryRun: false }],
    ['no switches item, deployed in dry run', undefined, true, { paused: false, dryRun: true }],
    ['paused', { paused: true }, false, { paused: true, dryRun: false }],
    ['dry run switched on', { dryRun: true }, false, { paused: false, dryRun: true }],
    ['dry run switched off cannot override the deployed dry run', { dryRun: false }, true, { paused: false, dryRun: true }],
    ['anything but true is off', { paused: 'yes', dryRun: 1 }, false, { paused: false, dryRun: false }],
  ])('%s', async (_, item, dryRunDefault, expected) => {
    if (item) await local.dynamo.db.send(new PutCommand({ TableName: local.table, Item: { pk: 'm1', sk: 'switches', ...item } }));
    await expect(new TableSwitches(local.dynamo.db, local.table, 'm1', dryRunDefault).read()).resolves.toEqual(expected);
  });

  test('the switches are read consistently: a pause just set is seen at the next read', async () => {
    const sent: Array<Record<string, unknown>> = [];
    const db = { send: (c: { input: Record<string, unknown> }) => { sent.push(c.input); return local.dynamo.db.send(c as never); } } as unknown as typeof local.dynamo.db;
    await new TableSwitches(db, local.table, 'm1', false).read();
    expect(sent[0]).toMatchObject({ ConsistentRead: true });
  });
});

describe('ActionLedger', () => {
  test('keeps each outcome with a TTL in epoch seconds, oldest first', async () => {
    const ledger = new ActionLedger(local.dynamo.db, local.table, 'm1', 86_400_000);
    await ledger.record({ key: 'alert#i1', epoch: 1, holder: 'c1', outcome: 'done', at: 1_800_000_000_500, dryRun: false });
    await ledger.record({ key: 'deregister#t#i1', epoch: 2, holder: 'c2', outcome: 'failed', at: 1_800_000_001_000, dryRun: true, detail: 'Throttling' });
    await expect(ledger.list()).resolves.toEqual([
      { key: 'alert#i1', epoch: 1, holder: 'c1', outcome: 'done', at: 1_800_000_000_500, dryRun: false },
      { key: 'deregister#t#i1', epoch: 2, holder: 'c2', outcome: 'failed', at: 1_800_000_001_000, dryRun: true, detail: 'Throttling' },
    ]);
    const { Items } = await local.dynamo.db.send(new QueryCommand({
      TableName: local.table, KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': 'm1' },
    }));
    expect(Items?.map((i) => i.expiresAt)).toEqual([1_800_086_401, 1_800_086_401]);
  });
});
