/**
 * Benchmark of the leader-elected health monitor with the LeaderHealthMonitor construct's default
 * settings, on this machine: real probes of HTTP servers on loopback, the lease in a local
 * DynamoDB-compatible server, the configuration the construct writes. Prints one JSON line. The
 * handler's size and load time are `npm run bench:package`'s.
 *
 *   detect     20 target groups of 3; one target of each is killed at a spread of moments; the
 *              time from the kill to the monitor's first action for that group (its alert).
 *   takeover   5 monitors of 3 contenders; each leader is killed (no release); the time until
 *              another contender of the same monitor probes.
 *   cycle      one leader probing 500 loopback targets: the time of one cycle (probe, track, act);
 *              then with a third of them silent (they accept and never answer, as a dark zone
 *              does), against the interval.
 *   chaos      the safety test's run under the whole fault model (20 contenders, pauses past the
 *              lease, skewed clocks, answers lost, calls landing late and refused): faults
 *              injected, effects of deposed leaders on fenced resources, effects landing out of
 *              order, wrong final states, duplicate and missed alerts.
 */
import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import { MonitorConfig, detectionBoundMs, takeoverBoundMs } from '../../lambda/health-monitor/contract';
import type { MonitoredTarget } from '../../lambda/health-monitor/ports';
import { probe as realProbe } from '../../lambda/health-monitor/probes';
import { HaLoadBalancer, LeaderHealthMonitor } from '../../lib';
import { Contender, World, contender, delay, ipTargets, waitFor } from '../lambda/health-monitor/harness';
import { LeaseObserver, audit, chaosConfig, runChaos } from '../lambda/health-monitor/scenario';
import { deployedConfig } from '../monitoring/monitor-stack';
import { LoopbackBackends } from '../support/backends';
import { LocalDynamo, startDynalite } from '../support/dynalite';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';

const percentile = (values: number[], p: number) => {
  const sorted = [...values].sort((a, b) => a - b);
  return Math.round(sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]);
};

/** The construct with its defaults, synthesized: the configuration its function runs with. */
function synthesizeDefaults(): MonitorConfig {
  const app = new App();
  const stack = new Stack(app, 'Bench', { env: { region: 'eu-west-1', account: '111111111111' } });
  const vpc = new ec2.Vpc(stack, 'Vpc', { maxAzs: 2, natGateways: 1 });
  const lb = new HaLoadBalancer(stack, 'Lb', { vpc, targetGroups: [{ name: 'Api', port: 8080, targetType: elbv2.TargetType.IP }], defaultTargetGroup: 'Api' });
  new LeaderHealthMonitor(stack, 'Monitor', { vpc, targetGroups: [{ loadBalancer: lb, targetGroupName: 'Api' }] });
  return deployedConfig(Template.fromStack(stack));
}

const loopback = (group: string, port: number): MonitoredTarget => ({
  id: `${group}/127.0.0.1:${port}`, group, host: '127.0.0.1', port,
  targetGroupArn: `arn:aws:elasticloadbalancing:eu-west-1:111111111111:targetgroup/${group}/0123456789abcdef`, elbTarget: { id: '127.0.0.1', port },
});

/** The deployed configuration, on a table of the local server, watching `groups`. */
async function runConfig(dynamo: LocalDynamo, base: MonitorConfig, table: string, monitorId: string, groups: string[]): Promise<MonitorConfig> {
  await dynamo.createTable(table).catch(() => undefined);
  return {
    ...base,
    monitorId,
    tableName: table,
    targetGroups: groups.map((name) => ({ name, arn: `arn:${name}`, probe: { protocol: 'HTTP', path: '/health', successCodes: '200' } })),
    actions: { ...base.actions, alertTopicArn: 'arn:aws:sns:eu-west-1:111111111111:alerts', maxActions: 1000 },
  };
}

function start(c: Contender, ms: number): Promise<void> {
  return c.monitor.runInvocation(Date.now() + ms);
}

async function detection(dynamo: LocalDynamo, base: MonitorConfig) {
  const observer = new LeaseObserver();
  const world = new World();
  const groups = Array.from({ length: 20 }, (_, i) => `g${i}`);
  const backends = await LoopbackBackends.start(groups.length * 3);
  const targets = groups.flatMap((g, i) => [0, 1, 2].map((k) => loopback(g, backends.ports[i * 3 + k])));
  const config = await runConfig(dynamo, base, 'bench-detect', 'bench-detect', groups);
  const contenders = ['c1', 'c2'].map((name) => contender({ name, config, db: dynamo.db, world, targets, probe: realProbe, observe: observer.observe }));
  const runs = contenders.map((c) => start(c, 120_000));
  await waitFor('all targets up', () => contenders.some((c) => c.telemetry.metrics.some((m) => m.name === 'TargetsUp' && m.value === targets.length)), 30_000);
  const killedAt = new Map<string, number>();
  const interval = config.probe.intervalMs;
  for (const [i, group] of groups.entries()) {
    // Kills spread over two intervals, so that they fall at every point of the probe cycle.
    await delay((2 * interval) / groups.length);
    void backends.stop(i * 3);
    killedAt.set(group, Date.now());
  }
  const firstAction = (group: string) => world.actions.find((a) => a.kind === 'alert' && a.what.includes(`] ${group}: `))?.at;
  await waitFor('every kill acted on', () => groups.every((g) => firstAction(g) !== undefined), 60_000);
  contenders.forEach((c) => c.monitor.stop());
  await Promise.all(runs);
  await backends.stopAll();
  return { times: groups.map((g) => firstAction(g)! - killedAt.get(g)!), audit: audit(world, observer, false) };
}

async function takeover(dynamo: LocalDynamo, base: MonitorConfig) {
  const trials = 5;
  const backends = await LoopbackBackends.start(3);
  const results = await Promise.all(Array.from({ length: trials }, async (_, t) => {
    // Each trial is a monitor of its own, with its own lease and epochs.
    const observer = new LeaseObserver();
    const world = new World();
    const targets = backends.ports.map((port) => loopback('api', port));
    const config = await runConfig(dynamo, base, 'bench-takeover', `bench-takeover-${t}`, ['api']);
    let killedAt = 0;
    let firstProbeAfter = 0;
    let killed: Contender | undefined;
    const contenders: Contender[] = [];
    for (const name of ['c1', 'c2', 'c3']) {
      const c: Contender = contender({
        name: `${t}.${name}`, config, db: dynamo.db, world, targets, observe: observer.observe,
        probe: async (spec) => {
          if (killedAt > 0 && firstProbeAfter === 0 && c !== killed) firstProbeAfter = Date.now();
          return realProbe(spec);
        },
      });
      contenders.push(c);
    }
    const runs = contenders.map((c) => start(c, 120_000));
    await waitFor('a leader', () => contenders.some((c) => c.monitor.epoch !== undefined), 30_000);
    // Let it lead a little, a different while for each trial.
    await delay(3000 + t * 700);
    killed = contenders.find((c) => c.monitor.epoch !== undefined)!;
    killedAt = Date.now();
    killed.kill();
    await waitFor('a new leader probing', () => firstProbeAfter > 0, 60_000);
    contenders.forEach((c) => c.monitor.stop());
    await Promise.all(runs);
    return { time: firstProbeAfter - killedAt, audit: audit(world, observer, false) };
  }));
  await backends.stopAll();
  return results;
}

async function cycle(dynamo: LocalDynamo, base: MonitorConfig, world: World) {
  const count = 500;
  const backends = await LoopbackBackends.start(count);
  const groups = Array.from({ length: 5 }, (_, i) => `p${i}`);
  const targets = backends.ports.map((port, i) => loopback(groups[i % groups.length], port));
  const config = { ...await runConfig(dynamo, base, 'bench-cycle', 'bench-cycle', groups), actions: { ...base.actions, deregister: false, dnsFailover: false } };
  const c = contender({ name: 'c1', config, db: dynamo.db, world, targets, probe: realProbe });
  const run = start(c, 120_000);
  const cycles = () => c.telemetry.metrics.filter((m) => m.name === 'ProbeCycleTime').map((m) => m.value);
  await waitFor('five cycles', () => cycles().length >= 5, 60_000);
  const up = [...c.telemetry.metrics].reverse().find((m) => m.name === 'TargetsUp')?.value;
  if (up !== count) throw new Error(`only ${up} of ${count} targets up`);
  // The first cycle also writes every target's first state; the steady ones write nothing.
  const first = Math.round(cycles()[0]);
  const steady = percentile(cycles().slice(1), 50);
  // A third of the targets go silent: every probe of them runs to its timeout.
  const before = cycles().length;
  for (let i = 0; i < count; i += 3) backends.silence(i);
  await waitFor('ten cycles with a third silent', () => cycles().length >= before + 10, 120_000);
  c.monitor.stop();
  await run;
  await backends.stopAll();
  const dark = cycles().slice(before + 2);
  return { targets: count, first, steady, darkThird: percentile(dark, 95) };
}

async function chaos(dynamo: LocalDynamo) {
  const config = chaosConfig('bench-chaos');
  await dynamo.createTable(config.tableName);
  return runChaos({
    dynamo, config, targets: [...ipTargets('api', 3), ...ipTargets('web', 3, 20)],
    seed: 7, contenders: 20, minWorldMs: 10_000, minIncidents: 6,
  });
}

async function main(): Promise<void> {
  const base = synthesizeDefaults();
  const dynamo = await startDynalite();
  try {
    const detected = await detection(dynamo, base);
    const detect = detected.times;
    const takeoverRuns = await takeover(dynamo, base);
    const takeovers = takeoverRuns.map((r) => r.time);
    const probeCycle = await cycle(dynamo, base, new World());
    const chaosRun = await chaos(dynamo);
    const audits = [detected.audit, ...takeoverRuns.map((r) => r.audit), chaosRun.audit];
    const split = audits.reduce((n, a) => n + a.actionsByNonHolders.length + a.sharedEpochs.length + (a.epochsInOrder ? 0 : 1), 0);
    const chaosAudit = chaosRun.audit;
    const alerts = audits.flatMap((a) => a.alertsPerIncident);
    const p = base.probe;
    console.log(JSON.stringify({
      interval_ms: p.intervalMs,
      timeout_ms: p.timeoutMs,
      unhealthy_threshold: p.unhealthyThreshold,
      healthy_threshold: p.healthyThreshold,
      jitter_ms: p.jitterMs,
      detect_trials: detect.length,
      detect_ms_p50: percentile(detect, 50),
      detect_ms_p95: percentile(detect, 95),
      detect_ms_max: Math.round(Math.max(...detect)),
      detect_bound_ms: detectionBoundMs(p),
      takeover_trials: takeovers.length,
      takeover_ms_p50: percentile(takeovers, 50),
      takeover_ms_p95: percentile(takeovers, 95),
      takeover_ms_max: Math.round(Math.max(...takeovers)),
      takeover_bound_ms: takeoverBoundMs(base),
      lease_ms: base.lease.durationMs,
      renew_deadline_ms: base.lease.renewDeadlineMs,
      retry_period_ms: base.lease.retryPeriodMs,
      probe_targets: probeCycle.targets,
      probe_concurrency: p.concurrency,
      probe_cycle_ms: probeCycle.steady,
      probe_first_cycle_ms: probeCycle.first,
      probe_cycle_ms_dark_third: probeCycle.darkThird,
      split_brain_actions: split,
      // 1 when every incident had exactly one alert; -1 otherwise (see the min and max).
      alerts_per_incident: Math.min(...alerts) === Math.max(...alerts) ? alerts[0] : -1,
      alerts_per_incident_min: Math.min(...alerts),
      alerts_per_incident_max: Math.max(...alerts),
      incidents: alerts.length,
      chaos_contenders: 20,
      chaos_epochs: chaosRun.observer.holders.size,
      chaos_pauses: chaosRun.pauses,
      chaos_refused_stale_actions: chaosRun.refused,
      chaos_late_writes_refused: chaosRun.lateWritesRefused,
      chaos_incidents: chaosRun.observer.opened.size,
      chaos_failovers: chaosRun.world.of('upsert').filter((a) => a.changed).length,
      faults_injected: chaosRun.world.faultsInjected,
      deposed_effects: chaosAudit.deposedEffects.length + chaosAudit.deposedWrites.length,
      misordered_effects: chaosAudit.misorderedEffects.length,
      unfenced_late_effects: chaosAudit.unfencedLateEffects.length,
      final_state_wrong: chaosRun.finalStateWrong.length,
      duplicate_alerts: chaosAudit.duplicateAlerts,
      missed_alerts: chaosAudit.missedAlerts,
    }));
  } finally {
    await dynamo.close();
  }
}

main().then(() => process.exit(0), (e) => {
  console.error(e);
  process.exit(1);
});
