/**
 * The failover drill: the health monitor's own modules, wired as its Lambda function wires them
 * and configured as HighlyAvailableService deploys them, run on this machine. DynamoDB is a local
 * dynalite server, the service is three HTTP servers on loopback, and Elastic Load Balancing,
 * Route 53, Global Accelerator and SNS are in-process recorders that print what would be sent.
 *
 * It kills the primary's backends, then the leading contender, then brings the backends back,
 * and checks that the accelerator's primary endpoint was taken out of traffic and the name failed
 * over, another contender took over, both were restored, and each incident sent one alert, each
 * within the monitor's worst case. What Global Accelerator and resolvers do after the calls (the
 * accelerator's reaction, DNS propagation and caches) happens at AWS and is not run here.
 *
 *   npm run drill                     the timeline, as it happens, and the verdict
 *   npm run drill -- --json           one JSON line of measurements instead
 *   npm run drill -- --svg FILE       also draws the timeline in FILE
 *
 * Exits 1 when a check fails.
 */
import * as fs from 'fs';
import { parseArgs } from 'util';
import { ejectionCap } from '../../lambda/health-monitor/guardrails';
import { waitFor } from '../lambda/health-monitor/harness';
import { RunningContender, setUpStage } from './contender';
import { AwsRecorder, RecordedCall } from './recorders';
import { regionDrillAll } from './region/region-drill';
import { DRILL_NAMES, DrillService, drillService } from './service';
import { CallTag, DrillEvent, Timeline, renderSvg } from './timeline';
import { runZoneDrill } from './zone-drill';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
// Every call goes to loopback or to a recorder: no credentials of the user's are read or sent.
process.env.AWS_ACCESS_KEY_ID = 'drill';
process.env.AWS_SECRET_ACCESS_KEY = 'drill';
delete process.env.AWS_SESSION_TOKEN;
delete process.env.AWS_PROFILE;

/** What the drill measured, in milliseconds from the step that caused it. */
export interface DrillResult {
  /** From killing the primary's backends to the leader marking every one DOWN. */
  readonly detected_ms?: number;
  /** From killing the backends to the first action (alert or DNS change). */
  readonly first_action_ms?: number;
  /** From killing the backends to the UPSERT pointing the name at the standby (once ELB's own checks agree). */
  readonly failover_ms?: number;
  /** From killing the backends to the accelerator's primary endpoint at weight 0 (once ELB's own checks agree). */
  readonly vip_failover_ms?: number;
  /** From killing the leader to another contender leading. */
  readonly leader_takeover_ms?: number;
  /** From the backends answering again to the name restored and the recovery alert sent. */
  readonly recovered_ms?: number;
  /** From the backends answering again to the accelerator's primary endpoint back at its weight. */
  readonly vip_recovered_ms?: number;
  /** SNS messages sent: one alert and one recovery per incident. */
  readonly alerts_sent: number;
  /** Down alerts of each incident. */
  readonly alerts_per_incident: Record<string, number>;
  /** Targets taken out of their group (deregistrations sent). */
  readonly targets_taken_out: number;
  /** The most the ejection cap lets the monitor take out of the group (`maxEjectPercent`, rounded down). */
  readonly ejection_cap: number;
  /** Actions DynamoDB refused because their contender no longer led. */
  readonly stale_actions_refused: number;
  /** Leaders, in order. */
  readonly leaders: string[];
  /** The budget each time was checked against. */
  readonly budget_ms: { readonly detection: number; readonly failover: number; readonly vip_failover: number; readonly takeover: number; readonly recovery: number };
  /** Global Accelerator's reaction after the endpoint's change, as the service's failover time states it (AWS's, not run here). */
  readonly accelerator_reaction_ms: number;
  readonly duration_ms: number;
  /** Failed checks; empty when the drill passed. */
  readonly problems: string[];
}

const CONTENDERS = ['c1', 'c2', 'c3'];
const BACKENDS = 3;

/** Three contenders, named as the schedule names them, each with its own clients, as separate functions would have. */
export async function runDrill(options: { readonly print?: (line: string) => void } = {}): Promise<{ result: DrillResult; events: DrillEvent[] }> {
  const service = drillService();
  const { config } = service;
  const stage = await setUpStage(service, BACKENDS, options.print, tagOf);
  const { started, backends, recorder, timeline } = stage;
  const answering = (yes: boolean) => backends.ports.forEach((port) => recorder.setAnswering('127.0.0.1', port, yes));
  timeline.add('drill', 'note', `${service.recordName} → ${DRILL_NAMES.primaryDnsName} (PRIMARY), ${DRILL_NAMES.standbyDnsName} (SECONDARY); `
    + `target group Api: ${backends.ports.map((p) => `127.0.0.1:${p}`).join(', ')}`);
  timeline.add('drill', 'note', `accelerator: primary endpoint ${DRILL_NAMES.primaryLoadBalancerArn.split('/').slice(-2, -1)[0]} at weight ${service.config.vip!.weight}, `
    + `standby ${DRILL_NAMES.standbyLoadBalancerArn.split('/').slice(-2, -1)[0]} at dial 0`);
  timeline.add('drill', 'note', `probes every ${config.probe.intervalMs / 1000} s, DOWN after ${config.probe.unhealthyThreshold} failures, `
    + `UP after ${config.probe.healthyThreshold} successes; lease ${config.lease.durationMs / 1000} s; ${CONTENDERS.length} contenders`);

  const contenders = stage.contend(CONTENDERS);
  try {
    const leader = () => contenders.find((c) => c.alive && c.leads());
    await waitFor('a leader that sees every target UP', () => timeline.count('state', 'UP') >= BACKENDS, 15_000);
    await delay(1500);

    const killedPrimary = timeline.phase('kill the primary: every backend of target group Api stops');
    await backends.stopAll();
    answering(false);
    await waitFor('the endpoint out of traffic, the name failed over and the alert sent', () => taggedAfter(recorder, killedPrimary, 'failover') !== undefined
      && taggedAfter(recorder, killedPrimary, 'vip-out') !== undefined && actionAfter(recorder, killedPrimary, 'Publish') !== undefined, 30_000);
    await delay(1500);

    const victim = leader();
    if (!victim) throw new Error('no contender leads');
    const killedLeader = timeline.phase(`kill the leader: ${victim.name} stops without releasing its lease`);
    victim.kill();
    timeline.add(victim.name, 'kill', 'killed: its calls fail from now on, and its lease is not released');
    await waitFor('another contender leading', () => timeline.firstAfter(killedLeader, (e) => e.kind === 'lead' && e.who !== victim.name) !== undefined, 15_000);
    await delay(2500);

    const restored = timeline.phase('bring the primary back: every backend answers again');
    await backends.startAll();
    answering(true);
    await waitFor('the endpoint back, the name restored and the recovery alert sent', () => taggedAfter(recorder, restored, 'restore') !== undefined
      && taggedAfter(recorder, restored, 'vip-in') !== undefined && taggedAfter(recorder, restored, 'recovery') !== undefined, 15_000);
    await delay(1000);

    const result = measure(service, timeline, recorder, contenders, { killedPrimary, killedLeader, restored }, Date.now() - started);
    return { result, events: timeline.events };
  } finally {
    await stage.close();
  }
}

/** What a recorded call did. */
function tagOf(call: RecordedCall): CallTag | undefined {
  if (call.operation === 'Publish') return String(call.input.Subject).endsWith(': recovered') ? 'recovery' : 'alert';
  if (call.operation === 'ChangeResourceRecordSets') {
    const text = JSON.stringify(call.input);
    if (!text.includes('"UPSERT"')) return undefined;
    return text.includes(DRILL_NAMES.standbyDnsName) ? 'failover' : 'restore';
  }
  if (call.operation === 'UpdateEndpointGroup') {
    const ours = (call.input.EndpointConfigurations as Array<{ EndpointId: string; Weight: number }>).find((e) => e.EndpointId === DRILL_NAMES.primaryLoadBalancerArn);
    return ours?.Weight === 0 ? 'vip-out' : 'vip-in';
  }
  if (call.operation === 'DeregisterTargets') return 'deregister';
  if (call.operation === 'RegisterTargets') return 'register';
  return undefined;
}

const delay = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

function actionAfter(recorder: AwsRecorder, at: number, operation: string) {
  return recorder.actions.find((c) => c.at >= at && c.operation === operation);
}

function taggedAfter(recorder: AwsRecorder, at: number, tag: CallTag) {
  return recorder.actions.find((c) => c.at >= at && tagOf(c) === tag);
}

function measure(
  service: DrillService, timeline: Timeline, recorder: AwsRecorder, contenders: RunningContender[],
  steps: { killedPrimary: number; killedLeader: number; restored: number }, durationMs: number,
): DrillResult {
  const { killedPrimary, killedLeader, restored } = steps;
  const since = (from: number, at: number | undefined) => (at === undefined ? undefined : at - from);
  const downs = timeline.events.filter((e) => e.kind === 'state' && e.text.endsWith(' DOWN') && e.at >= killedPrimary && e.at < killedLeader);
  const actions = recorder.actions;
  const failover = taggedAfter(recorder, killedPrimary, 'failover');
  const restore = taggedAfter(recorder, restored, 'restore');
  const vipOut = taggedAfter(recorder, killedPrimary, 'vip-out');
  const vipIn = taggedAfter(recorder, restored, 'vip-in');
  const alerts = actions.filter((c) => c.operation === 'Publish');
  const recovery = taggedAfter(recorder, restored, 'recovery');
  const perIncident: Record<string, number> = {};
  for (const alert of alerts.filter((a) => tagOf(a) === 'alert')) {
    const incident = /^Incident (\S+)/.exec(String(alert.input.Message))?.[1] ?? 'unknown';
    perIncident[incident] = (perIncident[incident] ?? 0) + 1;
  }
  const recoveredAt = restore && recovery ? Math.max(restore.at, recovery.at) : undefined;
  const result = {
    detected_ms: downs.length >= BACKENDS ? downs[BACKENDS - 1].at - killedPrimary : undefined,
    first_action_ms: since(killedPrimary, actions.find((c) => c.at >= killedPrimary)?.at),
    failover_ms: since(killedPrimary, failover?.at),
    vip_failover_ms: since(killedPrimary, vipOut?.at),
    leader_takeover_ms: since(killedLeader, timeline.firstAfter(killedLeader, (e) => e.kind === 'lead')?.at),
    recovered_ms: since(restored, recoveredAt),
    vip_recovered_ms: since(restored, vipIn?.at),
    alerts_sent: alerts.length,
    alerts_per_incident: perIncident,
    targets_taken_out: actions.filter((c) => c.operation === 'DeregisterTargets').length,
    ejection_cap: ejectionCap(BACKENDS, service.config.actions.maxEjectPercent),
    stale_actions_refused: contenders.reduce((sum, c) => sum + c.metric('RefusedStaleActions'), 0),
    leaders: timeline.events.filter((e) => e.kind === 'lead').map((e) => `${e.who} ${e.text.replace('leads, ', '')}`),
    budget_ms: {
      detection: service.worstCaseDetectionMs, failover: service.worstCaseNameFailoverMs, vip_failover: service.worstCaseVipFailoverMs,
      takeover: service.worstCaseTakeoverMs, recovery: service.worstCaseRecoveryMs,
    },
    accelerator_reaction_ms: service.acceleratorReactionMs,
    duration_ms: durationMs,
  };
  return { ...result, problems: judge(result) };
}

/** The checks of a drill; each failed one is a sentence saying what went wrong. */
export function judge(r: Omit<DrillResult, 'problems'>): string[] {
  const problems: string[] = [];
  const within = (what: string, value: number | undefined, budget: number, missing: string) => {
    if (value === undefined) problems.push(missing);
    else if (value > budget) problems.push(`${what} took ${value} ms, over the budget of ${budget} ms`);
  };
  within('detection', r.detected_ms, r.budget_ms.detection, 'the primary\'s backends were never all marked DOWN');
  within('the first action', r.first_action_ms, r.budget_ms.detection, 'no action was taken after the primary failed');
  within('the DNS failover', r.failover_ms, r.budget_ms.failover, 'the name was not failed over to the standby');
  within('the accelerator failover', r.vip_failover_ms, r.budget_ms.vip_failover, 'the accelerator\'s primary endpoint was not taken out of traffic');
  within('the leader takeover', r.leader_takeover_ms, r.budget_ms.takeover, 'no contender took over from the killed leader');
  within('the recovery', r.recovered_ms, r.budget_ms.recovery, 'the name was not restored with a recovery alert after the primary came back');
  within('the accelerator restore', r.vip_recovered_ms, r.budget_ms.recovery, 'the accelerator\'s primary endpoint was not put back after the primary came back');
  const incidents = Object.entries(r.alerts_per_incident);
  if (incidents.length === 0) problems.push('no alert was sent');
  for (const [incident, alerts] of incidents) if (alerts !== 1) problems.push(`incident ${incident} sent ${alerts} alerts, not one`);
  if (r.alerts_sent !== 2 * incidents.length) problems.push(`${r.alerts_sent} messages for ${incidents.length} incident(s): one alert and one recovery each expected`);
  // Every backend is down: routing is left to ELB (fail open), never more than the cap taken out.
  if (r.targets_taken_out > r.ejection_cap) problems.push(`${r.targets_taken_out} targets taken out, past the ejection cap of ${r.ejection_cap}`);
  if (r.duration_ms > 60_000) problems.push(`the drill took ${r.duration_ms} ms, over a minute`);
  return problems;
}

function verdict(r: DrillResult): string[] {
  const row = (what: string, value: number | undefined, budget: number) =>
    `  ${what.padEnd(36)} ${value === undefined ? '     —' : `${(value / 1000).toFixed(2).padStart(6)} s`}   budget ${(budget / 1000).toFixed(2)} s`;
  return [
    '',
    row('detected (every backend DOWN)', r.detected_ms, r.budget_ms.detection),
    row('first action', r.first_action_ms, r.budget_ms.detection),
    row('name failed over to the standby', r.failover_ms, r.budget_ms.failover),
    row('accelerator endpoint out (weight 0)', r.vip_failover_ms, r.budget_ms.vip_failover),
    row('leader takeover', r.leader_takeover_ms, r.budget_ms.takeover),
    row('recovered (name restored, alerted)', r.recovered_ms, r.budget_ms.recovery),
    row('accelerator endpoint back', r.vip_recovered_ms, r.budget_ms.recovery),
    `  then, at AWS: Global Accelerator moves new flows to the standby in ${r.accelerator_reaction_ms / 1000} s (assumed; not run here)`,
    `  targets taken out: ${r.targets_taken_out} (cap ${r.ejection_cap}; with every backend down, routing is left to ELB, which fails open)`,
    `  alerts: ${r.alerts_sent} sent, ${Object.entries(r.alerts_per_incident).map(([i, n]) => `${n} for incident ${i}`).join(', ')}, plus its recovery`,
    `  leaders: ${r.leaders.join(' → ')}; stale actions refused: ${r.stale_actions_refused}`,
    '',
    r.problems.length === 0 ? `PASS in ${(r.duration_ms / 1000).toFixed(1)} s` : `FAIL:\n${r.problems.map((p) => `  - ${p}`).join('\n')}`,
  ];
}

/** The command line: runs the drill and prints it; the exit code, or a rejection for arguments it does not take. */
export async function main(argv: string[]): Promise<number> {
  const { values } = parseArgs({ args: argv, options: { json: { type: 'boolean', default: false }, svg: { type: 'string' }, region: { type: 'boolean', default: false }, zone: { type: 'boolean', default: false } } });
  const json = values.json === true;
  if (values.region) return regionMain(json);
  if (values.zone) return zoneMain(json);
  const svgFile = values.svg;
  const print = json ? undefined : (line: string) => console.log(line);
  const { result, events } = await runDrill({ print });
  if (svgFile) fs.writeFileSync(svgFile, renderSvg(events, result));
  if (json) console.log(JSON.stringify(result));
  else verdict(result).forEach((line) => console.log(line));
  return result.problems.length === 0 ? 0 : 1;
}

/** `--zone`: one zone's targets lost. */
async function zoneMain(json: boolean): Promise<number> {
  const result = await runZoneDrill({ print: json ? undefined : (line: string) => console.log(line) });
  if (json) console.log(JSON.stringify(result));
  else {
    console.log(`\n  zone ${result.zone_lost}: ${result.targets_in_zone} of ${result.targets} targets; DOWN in ${result.detected_ms} ms (budget ${result.budget_ms.detection} ms), taken out ${result.taken_out} (cap ${result.ejection_cap})`);
    console.log(`  name moved: ${result.name_failed_over}; accelerator moved: ${result.vip_moved}; the reference app keeps ${result.capacity.after_zone_loss} of ${result.capacity.total} tasks for a load of ${result.capacity.required}`);
    console.log(result.problems.length === 0 ? `PASS in ${(result.duration_ms / 1000).toFixed(1)} s` : `FAIL:\n${result.problems.map((p) => `  - ${p}`).join('\n')}`);
  }
  return result.problems.length === 0 ? 0 : 1;
}

/** `--region`: the region switch, with each fault. */
async function regionMain(json: boolean): Promise<number> {
  const result = await regionDrillAll();
  if (json) {
    const { timeline: _timeline, ...fields } = result;
    console.log(JSON.stringify(fields));
  } else {
    for (const e of result.timeline) console.log(`${(e.at / 1000).toFixed(1).padStart(7)} s  ${e.what}`);
    for (const [fault, run] of Object.entries(result.faults)) console.log(`fault ${fault}: ${run.outcome}; writers at once ${run.writers_max}; promotions ${run.db_promotions} + ${run.cache_promotions}; RTO ${run.rto_ms} ms`);
    const s = result.switchover;
    console.log(`switchover (both regions healthy): ${s.outcome}; traffic moved by ${s.traffic_moved_by ?? 'nothing'} at ${s.traffic_moved_ms} ms; ${s.lost_writes} writes lost`);
    console.log(result.problems.length === 0 ? `PASS: RTO ${result.rto_ms} ms within ${result.rto_bound_ms} ms, RPO ${result.rpo_ms} ms within ${result.rpo_bound_ms} ms (virtual time)` : `FAIL:\n${result.problems.map((p) => `  - ${p}`).join('\n')}`);
  }
  return result.problems.length === 0 ? 0 : 1;
}

if (require.main === module) {
  main(process.argv.slice(2)).then((code) => process.exit(code), (e) => {
    console.error(`drill failed: ${e instanceof Error ? e.message : String(e)}`);
    process.exit(1);
  });
}
