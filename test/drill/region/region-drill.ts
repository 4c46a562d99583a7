/**
 * The region drill: the reference service synthesized with its Region switch plan, the plan read
 * from the template, and its activation of the standby run the way ARC runs it, against fakes that
 * hold both regions' true state, with the primary region lost: its endpoints dead, its monitor
 * gone, its database writer unreachable. Time is virtual: minutes pass in milliseconds, and a run
 * is the same every time. The cache step runs the function the package ships (its bundle), with
 * the drill's client and clock.
 *
 * The reference app is synthesized as deployed once its plan exists: the name's PRIMARY record
 * carries the health check the plan keeps for the primary region, so the plan's traffic step moves
 * the name too. A graceful run (both regions healthy, a switchover) shows that step alone moving it.
 *
 *   npm run drill -- --region [--json] [--fault primary-returns|lost-answer|cache-timeout]
 */
import * as fs from 'fs';
import * as path from 'path';
import { App } from 'aws-cdk-lib';
import { buildApp } from '../../../bin/app';
import { ReferenceStack } from '../../../bin/reference-stack';
import { StandbyDataStack } from '../../../bin/standby-data-stack';
import { ServiceFailure } from '../../../lib';
import { PlanExecutor, PlanStep } from './executor';
import { FakeDatastore, FakeEcs, FakeGlobalDatabase, FakeName } from './fakes';
import { VirtualClock } from './virtual-clock';

const ROOT = path.join(__dirname, '..', '..', '..');

/** The faults the drill injects, one per run. */
export type RegionFault = 'none' | 'primary-returns' | 'lost-answer' | 'cache-timeout';

/** What the region drill measured, in ms of virtual time from the primary region's loss. */
export interface RegionDrillResult {
  readonly fault: RegionFault;
  readonly region_detected_ms?: number;
  readonly db_promoted_ms?: number;
  readonly cache_promoted_ms?: number;
  /** When the name answers with the standby, whether the primary's health or the plan's traffic step moved it. */
  readonly traffic_moved_ms?: number;
  /** What moved the name first. */
  readonly traffic_moved_by?: 'health' | 'plan';
  /** Whether the run was graceful: both regions healthy, a switchover. */
  readonly graceful: boolean;
  /** When a write through the global writer endpoint first succeeds in the standby region. */
  readonly writable_ms?: number;
  /** Until traffic is on the standby and writes succeed there. */
  readonly rto_ms?: number;
  readonly rto_bound_ms: number;
  /** The span of writes the failover lost, as the fake database measured it. */
  readonly rpo_ms: number;
  readonly rpo_bound_ms: number;
  /** The writes lost. */
  readonly lost_writes: number;
  /** The most regions accepting writes at once. */
  readonly writers_max: number;
  readonly db_promotions: number;
  readonly cache_promotions: number;
  /** The steps executed, in order. */
  readonly steps: string[];
  /** How the execution ended: `completed`, or `stopped: <why>`. */
  readonly outcome: string;
  readonly timeline: Array<{ at: number; what: string }>;
}

/** The fakes' own durations: what AWS took in this drill, each within the library's figure. */
const FAKE = { replicationLagMs: 400, auroraFailoverMs: 120_000, cachePromotionMs: 45_000, propagationAndTtlMs: 60_000, ecsStartMs: 90_000, approvalMs: 30_000, writeEveryMs: 100, arcTurnMs: 20_000 };

/** The ID the drill gives the health check the plan keeps for the primary region, as a deployment would once the plan exists. */
const PLAN_CHECK_ID = 'drill-primary-region-check';

/** The synthesized reference app with its plan, built once per process. */
let synthesized: { app: App; plan: { Workflows: Array<{ WorkflowTargetRegion: string; Steps: PlanStep[] }> }; waitMs: number; followsPlan: boolean } | undefined;

function referenceWithPlan() {
  if (!synthesized) {
    const context = JSON.parse(fs.readFileSync(path.join(ROOT, 'cdk.json'), 'utf8')).context;
    const app = buildApp(new App({ context: { ...context, 'ha-kit:regionSwitch': 'true', 'ha-kit:regionSwitchHealthCheckId': PLAN_CHECK_ID }, stackTraces: false }));
    const assembly = app.synth({ skipValidation: true });
    const template = assembly.getStackByName('HaKitStandbyData').template as { Resources: Record<string, { Type: string; Properties: Record<string, unknown> }> };
    const plan = Object.values(template.Resources).find((r) => r.Type === 'AWS::ARCRegionSwitch::Plan')!.Properties as never;
    const fn = Object.values(template.Resources).find((r) => JSON.stringify(r.Properties?.Environment ?? {}).includes('HA_KIT_REGION_SWITCH_STEP'))!;
    const waitMs = Number(/"waitMs":(\d+)/.exec(literals(fn.Properties.Environment).join(''))?.[1]);
    synthesized = { app, plan, waitMs, followsPlan: primaryRecordFollows(assembly.getStackByName('HaKitReference').template, PLAN_CHECK_ID) };
  }
  return synthesized;
}

/** Whether the template's PRIMARY record carries `checkId`: itself, or as a child of a calculated check. */
function primaryRecordFollows(template: { Resources: Record<string, { Type: string; Properties: Record<string, never> }> }, checkId: string): boolean {
  const primary = Object.values(template.Resources).find((r) => r.Type === 'AWS::Route53::RecordSet' && r.Properties.Failover === 'PRIMARY');
  const id = primary?.Properties.HealthCheckId as unknown;
  if (id === checkId) return true;
  const ref = (id as { Ref?: string } | undefined)?.Ref;
  const check = ref ? template.Resources[ref] : undefined;
  return JSON.stringify((check?.Properties.HealthCheckConfig as { ChildHealthChecks?: unknown } | undefined)?.ChildHealthChecks ?? []).includes(JSON.stringify(checkId));
}

/** The strings of a template value, in order: the literal parts of a `Fn::Join`. */
function literals(value: unknown): string[] {
  if (typeof value === 'string') return [value];
  if (Array.isArray(value)) return value.flatMap(literals);
  if (value && typeof value === 'object') return Object.values(value).flatMap(literals);
  return [];
}

/** The cache step as the package ships it: the bundle's own code, with the drill's client and clock. */
function shippedCacheStep(): { promoteCache: (client: unknown, step: unknown, clock: unknown) => Promise<unknown> } {
  const bundle = path.join(ROOT, 'dist', 'assets', 'region-switch', 'index.js');
  // The bundle reads its configuration when loaded; the drill passes its own step at each call.
  process.env.HA_KIT_REGION_SWITCH_STEP = JSON.stringify({ action: 'promote-cache', globalReplicationGroupId: 'g', region: 'eu-central-1', replicationGroupId: 'r', waitMs: 0 });
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- the bundle is a built file, loaded as the function loads it
  return require(bundle);
}

/**
 * One run. `promoteBy: 'detach'` makes the database step detach and promote the standby, as
 * runbooks did before the managed failover: it shows what the drill's checks catch.
 */
export async function regionDrill(fault: RegionFault = 'none', options: { promoteBy?: 'failover' | 'detach'; graceful?: boolean } = {}): Promise<RegionDrillResult> {
  const { app, plan, waitMs, followsPlan } = referenceWithPlan();
  const graceful = options.graceful ?? false;
  const primaryStack = app.node.findChild('HaKitReference') as ReferenceStack;
  const data = app.node.findChild('HaKitStandbyData') as StandbyDataStack;
  const [primaryRegion, standbyRegion] = [primaryStack.region, data.region];
  const activate = plan.Workflows.find((w) => w.WorkflowTargetRegion === standbyRegion)!;
  const clock = new VirtualClock();
  const timeline: Array<{ at: number; what: string }> = [];
  const note = (what: string) => timeline.push({ at: clock.now(), what });

  const db = new FakeGlobalDatabase(clock, [primaryRegion, standbyRegion], primaryRegion, FAKE.replicationLagMs, FAKE.auroraFailoverMs);
  const cache = new FakeDatastore(clock, { [primaryRegion]: 'primary-sessions', [standbyRegion]: 'standby-sessions' }, primaryRegion, FAKE.cachePromotionMs);
  const ecs = new FakeEcs(clock, FAKE.ecsStartMs);
  ecs.running.set('primary', 3);
  ecs.running.set('standby', 3);
  const dnsDetection = primaryStack.service.dns!.failoverTime.steps.find((s) => s.name === 'detection')!.duration.toMilliseconds();
  const name = new FakeName(clock, dnsDetection, FAKE.propagationAndTtlMs, followsPlan);
  if (fault === 'lost-answer') { db.loseNextAnswer = true; cache.loseNextAnswer = true; }
  if (fault === 'cache-timeout') cache.stuck = true;

  // The writes: one a second through the global writer endpoint, from t = -10 s.
  let seq = 0;
  let writableAt: number | undefined;
  let writing = true;
  const writer = (async () => {
    while (writing) {
      const region = db.write(++seq);
      if (region === standbyRegion && writableAt === undefined) { writableAt = clock.now(); note('first write accepted in the standby region'); }
      await clock.sleep(FAKE.writeEveryMs);
    }
  })();
  await clock.run(clock.sleep(10_000), 10_000);
  const lostAt = clock.now();

  if (graceful) {
    note(`${primaryRegion} healthy: a planned switch`);
  } else {
    // The primary region is lost: its endpoints, its monitor and its database writer with it.
    db.up.delete(primaryRegion);
    name.primaryLost(lostAt);
    note(`${primaryRegion} lost`);
  }
  if (fault === 'primary-returns') {
    // Back in the middle of the switch: while the database step runs.
    clock.at(lostAt + dnsDetection + FAKE.approvalMs + 60_000, () => { db.up.add(primaryRegion); note(`${primaryRegion} back`); });
  }

  const step = { action: 'promote-cache', globalReplicationGroupId: 'drill-global', region: standbyRegion, replicationGroupId: 'standby-sessions', waitMs };
  const shipped = shippedCacheStep();
  const executor = new PlanExecutor({
    clock,
    approve: async () => { await clock.sleep(FAKE.approvalMs); note('approved'); },
    scale: (_index, percent) => ecs.scale('primary', 'standby', percent),
    promoteDatabase: (failover) => (!failover ? db.switchover(standbyRegion)
      : options.promoteBy === 'detach' ? db.detachAndPromote(standbyRegion) : db.failover(standbyRegion)),
    databasePromoted: () => db.writers.has(standbyRegion) && !db.failingOver,
    invokeCacheStep: async () => { await shipped.promoteCache(cache.client, step, clock); },
    turnHealthChecks: async () => { await clock.sleep(FAKE.arcTurnMs); name.planTurned(); note(`ARC's health check for ${primaryRegion} unhealthy`); },
  }, !graceful);

  // The operator starts the plan when the primary's health check fails: ungracefully, the primary
  // lost; or at once, gracefully, for a planned switch.
  const execution = (async () => {
    while (!graceful && name.detectedAt === undefined) await clock.sleep(1_000);
    note(`plan started (${graceful ? 'graceful' : 'ungraceful'})`);
    return executor.run(activate.Steps);
  })();
  const outcome = await clock.run(execution, 4 * 3_600_000);
  note(`plan ${outcome}`);
  // Until the name has moved and a write has landed, or an hour more.
  await clock.run((async () => { while ((name.movedAt === undefined || writableAt === undefined) && clock.now() < lostAt + 3_600_000) await clock.sleep(1_000); })(), 8 * 3_600_000);
  writing = false;
  await clock.run(writer, 8 * 3_600_000);

  if (name.detectedAt !== undefined) timeline.push({ at: name.detectedAt, what: `Route 53 finds ${primaryRegion}'s endpoint unhealthy` });
  if (name.movedAt !== undefined) timeline.push({ at: name.movedAt, what: `the name answers with the standby (moved by ${name.movedBy === 'plan' ? 'the plan\'s traffic step' : 'health'})` });
  const since = (t: number | undefined) => (t === undefined ? undefined : t - lostAt);
  const switchPlan = data.plan!;
  const approval = FAKE.approvalMs;
  // Ungraceful: the later of health moving the name and the plan (from the detection that starts
  // it); graceful: the plan alone, from its start.
  const planBound = approval + switchPlan.recoveryTime.total.toMilliseconds();
  const rtoBound = graceful ? planBound : Math.max(
    primaryStack.service.failoverTime.of(ServiceFailure.PRIMARY_REGION)!.breakdown.steps.filter((s) => !s.name.startsWith('database') && !s.name.startsWith('cache'))
      .reduce((t, s) => t + s.duration.toMilliseconds(), 0),
    dnsDetection + planBound,
  );
  const traffic = since(name.movedAt);
  const writable = since(writableAt);
  return {
    fault,
    region_detected_ms: since(name.detectedAt),
    db_promoted_ms: since(db.promotedAt),
    cache_promoted_ms: since(cache.promotedAt),
    traffic_moved_ms: traffic,
    traffic_moved_by: name.movedBy,
    graceful,
    writable_ms: writable,
    rto_ms: traffic !== undefined && writable !== undefined ? Math.max(traffic, writable) : undefined,
    rto_bound_ms: rtoBound,
    rpo_ms: db.rpoMs(lostAt),
    lost_writes: db.lostWrites.length,
    rpo_bound_ms: switchPlan.dataLoss!.total.toMilliseconds(),
    writers_max: db.writersMax,
    db_promotions: db.promotions,
    cache_promotions: cache.promotions,
    steps: [...executor.executed],
    outcome,
    timeline: [...timeline, ...executor.log].sort((a, b) => a.at - b.at).map((e) => ({ at: e.at - lostAt, what: e.what })),
  };
}

/** Everything the region drill requires of a run, as problems; none when it passed. */
export function judgeRegion(r: RegionDrillResult): string[] {
  const problems: string[] = [];
  if (r.writers_max !== 1) problems.push(`${r.writers_max} regions accepted writes at once`);
  if (r.db_promotions !== 1) problems.push(`the database was promoted ${r.db_promotions} times`);
  if (r.cache_promotions > 1) problems.push(`the cache was promoted ${r.cache_promotions} times`);
  if (r.rto_ms === undefined) problems.push('traffic and writes never both reached the standby');
  else if (r.rto_ms > r.rto_bound_ms) problems.push(`RTO ${r.rto_ms} ms over its bound of ${r.rto_bound_ms} ms`);
  if (r.rpo_ms > r.rpo_bound_ms) problems.push(`RPO ${r.rpo_ms} ms over its bound of ${r.rpo_bound_ms} ms`);
  const order = (name: string) => r.steps.indexOf(name);
  if (r.outcome === 'completed' && order('move-traffic') < 0) problems.push('the plan has no traffic step, or it did not run');
  else if (order('move-traffic') >= 0 && order('move-traffic') < order('promote-database')) problems.push('the plan moved traffic before the database was promoted');
  if (r.graceful && r.rpo_ms > 0) problems.push(`a switchover lost ${r.lost_writes} writes`);
  const expected = r.fault === 'cache-timeout' ? /^stopped: promote-cache timed out/ : /^completed$/;
  if (!expected.test(r.outcome)) problems.push(`the execution ended "${r.outcome}"`);
  return problems;
}

/** The four runs: no fault, then each fault; the first run's fields, and each fault's. */
export async function regionDrillAll(): Promise<RegionDrillResult & { faults: Record<string, Omit<RegionDrillResult, 'timeline'>>; switchover: Omit<RegionDrillResult, 'timeline'>; problems: string[] }> {
  const base = await regionDrill('none');
  const faults: Record<string, Omit<RegionDrillResult, 'timeline'>> = {};
  const problems = judgeRegion(base).map((p) => `no fault: ${p}`);
  // A planned switch, both regions healthy: only the plan's traffic step can move the name.
  const { timeline: _s, ...switchover } = await regionDrill('none', { graceful: true });
  problems.push(...judgeRegion({ ...switchover, timeline: [] }).map((p) => `switchover: ${p}`));
  for (const fault of ['primary-returns', 'lost-answer', 'cache-timeout'] as const) {
    const { timeline: _t, ...run } = await regionDrill(fault);
    faults[fault] = run;
    problems.push(...judgeRegion({ ...run, timeline: [] }).map((p) => `${fault}: ${p}`));
  }
  return { ...base, faults, switchover, problems };
}
