import { DynamoDBDocumentClient, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { Clock } from '../../../lambda/health-monitor/clock';
import { Election } from '../../../lambda/health-monitor/election';
import { LeaseStore } from '../../../lambda/health-monitor/lease';
import { RecordingTelemetry } from '../../../lambda/health-monitor/telemetry';
import { LocalDynamo, startDynalite } from '../../support/dynalite';
import { tableName } from './fixtures';
import { timeoutError } from './world';

/**
 * The election by observed time: each contender has its own clock (a wall clock that may be
 * skewed, and a monotonic one the test advances), and the lease item is in the local server.
 */

const TIMING = { durationMs: 3000, renewDeadlineMs: 2000, retryPeriodMs: 400 };
const T0 = 1_800_000_000_000;

let dynamo: LocalDynamo;
let table: string;
beforeAll(async () => {
  dynamo = await startDynalite();
});
afterAll(() => dynamo.close());
beforeEach(async () => {
  table = tableName('election');
  await dynamo.createTable(table);
});

/** A clock the test moves: `skewMs` is added to the wall clock only. */
class TestClock implements Clock {
  public mono = 0;
  constructor(private readonly skewMs = 0) {}
  public now(): number { return T0 + this.mono + this.skewMs; }
  public elapsed(): number { return this.mono; }
  public async sleep(): Promise<void> {}
}

let versions = 0;
function contender(name: string, clock: Clock, db: DynamoDBDocumentClient = dynamo.db) {
  const store = new LeaseStore(db, { tableName: table, monitorId: 'm1', durationMs: TIMING.durationMs, windowMs: 60_000 });
  const telemetry = new RecordingTelemetry();
  return { election: new Election(name, store, TIMING, clock, telemetry, () => `${name}-v${++versions}`), telemetry };
}

/** Moves every clock by `ms`. */
const advance = (ms: number, ...clocks: TestClock[]) => clocks.forEach((c) => { c.mono += ms; });

test('a standby takes over only after it saw the same version for a whole lease, by its own clock', async () => {
  const ca = new TestClock();
  const cb = new TestClock();
  const a = contender('a', ca).election;
  const b = contender('b', cb).election;
  expect(await a.tryAcquire()).toBe(true);
  expect(await b.tryAcquire()).toBe(false);
  // a dies. b sees the same version at every try, and takes over a whole lease after its first sight.
  for (let waited = 400; waited < TIMING.durationMs; waited += 400) {
    advance(400, cb);
    expect(await b.tryAcquire()).toBe(false);
  }
  advance(400, cb);
  expect(await b.tryAcquire()).toBe(true);
  expect(b.lease).toMatchObject({ holder: 'b', epoch: 2 });
});

test('a contender whose clock runs 4 s fast does not take a live lease', async () => {
  const ca = new TestClock();
  const cb = new TestClock(4000);
  const a = contender('a', ca).election;
  const b = contender('b', cb).election;
  expect(await a.tryAcquire()).toBe(true);
  // a renews every retry period; b tries as often, for five leases.
  for (let t = 0; t < 5 * TIMING.durationMs; t += TIMING.retryPeriodMs) {
    advance(TIMING.retryPeriodMs, ca, cb);
    expect(await a.renew()).toBe(true);
    expect(await b.tryAcquire()).toBe(false);
    expect(a.acting).toBe(true);
  }
  expect(b.lease).toBeUndefined();
});

test('a released lease is taken at once', async () => {
  const ca = new TestClock();
  const cb = new TestClock();
  const a = contender('a', ca).election;
  const b = contender('b', cb).election;
  await a.tryAcquire();
  expect(await b.tryAcquire()).toBe(false);
  await a.release();
  expect(await b.tryAcquire()).toBe(true);
  expect(b.lease?.epoch).toBe(2);
});

test('an acquire whose response was lost is recognised as this contender\'s own at the next try', async () => {
  const clock = new TestClock();
  let loseNext = true;
  const lossy = {
    send: async (command: UpdateCommand) => {
      const out = await dynamo.db.send(command as never);
      if (loseNext && String(command.input.UpdateExpression).includes('ADD epoch')) {
        loseNext = false;
        throw timeoutError();
      }
      return out;
    },
  } as unknown as DynamoDBDocumentClient;
  const { election, telemetry } = contender('a', clock, lossy);
  expect(await election.tryAcquire()).toBe(false);
  expect(telemetry.logs.map((l) => l.message)).toContain('could not contend');
  // The next try, one retry period later, finds its own name in the item: no lease to wait out.
  advance(TIMING.retryPeriodMs, clock);
  expect(await election.tryAcquire()).toBe(true);
  expect(election.lease).toMatchObject({ holder: 'a', epoch: 1 });
  expect(election.acting).toBe(true);
  expect(telemetry.logs.map((l) => l.message)).toContain('leads: the lease already named this contender');
});

test('a leader whose renewals fail stops acting at the renew deadline after the last one it sent', async () => {
  const clock = new TestClock();
  let failing = false;
  const flaky = {
    send: async (command: UpdateCommand) => {
      if (failing) throw timeoutError();
      return dynamo.db.send(command as never);
    },
  } as unknown as DynamoDBDocumentClient;
  const { election } = contender('a', clock, flaky);
  await election.tryAcquire();
  advance(400, clock);
  await election.renew();
  failing = true;
  advance(TIMING.renewDeadlineMs - 1, clock);
  expect(await election.renew()).toBe(false);
  expect(election.acting).toBe(true);
  advance(1, clock);
  expect(election.acting).toBe(false);
  // It still names itself in the item: once a renewal goes through, it acts again.
  failing = false;
  expect(await election.tryAcquire()).toBe(true);
  expect(election.acting).toBe(true);
});

test('a leader that lost the lease learns it at its next renewal and leads no more', async () => {
  const ca = new TestClock();
  const cb = new TestClock();
  const a = contender('a', ca);
  const b = contender('b', cb).election;
  await a.election.tryAcquire();
  await b.tryAcquire();
  advance(TIMING.durationMs, cb);
  expect(await b.tryAcquire()).toBe(true);
  expect(await a.election.renew()).toBe(false);
  expect(a.election.lease).toBeUndefined();
  expect(a.telemetry.logs.find((l) => l.message === 'lost the lease')?.data).toEqual({ epoch: 1, now: 2 });
});
