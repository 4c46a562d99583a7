/**
 * The zone drill: six targets over three zones, the monitor's own modules leading as in the
 * failover drill, and the two targets of one zone killed. The monitor takes them out within its
 * ejection cap and leaves the name and the accelerator alone: a zone's loss is not the region's.
 * What ELB and ARC do next happens at AWS and is not run here: it is printed with the times the
 * reference app's budget models for an impaired zone, and the reference app's capacity is
 * checked to carry the load without that zone.
 *
 *   npm run drill -- --zone [--json]
 */
import * as fs from 'fs';
import * as path from 'path';
import { App } from 'aws-cdk-lib';
import { buildApp } from '../../bin/app';
import { ReferenceStack } from '../../bin/reference-stack';
import { ejectionCap } from '../../lambda/health-monitor/guardrails';
import { ServiceFailure } from '../../lib';
import { waitFor } from '../lambda/health-monitor/harness';
import { setUpStage } from './contender';
import { DRILL_NAMES, drillService } from './service';

const ZONES = ['a', 'b', 'c'];
const PER_ZONE = 2;
const LOST = 'a';

/** What the zone drill measured, in ms from the zone's targets dying. */
export interface ZoneDrillResult {
  readonly zone_lost: string;
  readonly targets: number;
  readonly targets_in_zone: number;
  /** Until the leader marked every target of the zone DOWN. */
  readonly detected_ms?: number;
  /** Until the last of them was taken out of the target group. */
  readonly taken_out_ms?: number;
  readonly taken_out: number;
  readonly ejection_cap: number;
  /** Whether the monitor moved the name or the accelerator: it must not, for one zone. */
  readonly name_failed_over: boolean;
  readonly vip_moved: boolean;
  readonly budget_ms: { readonly detection: number };
  /** What ELB and ARC do next, as the reference app's budget models an impaired zone (not run here). */
  readonly next: Array<{ readonly step: string; readonly ms: number; readonly kind: string }>;
  /** The reference app's capacity: its tasks, zones, the load it states, and what a zone's loss leaves. */
  readonly capacity: { readonly total: number; readonly zones: number; readonly required: number; readonly after_zone_loss: number };
  readonly duration_ms: number;
  readonly problems: string[];
}

/** The reference app's model of an impaired zone and its capacity, built once per process. */
function referenceZone(): Pick<ZoneDrillResult, 'next' | 'capacity'> {
  const context = JSON.parse(fs.readFileSync(path.join(__dirname, '..', '..', 'cdk.json'), 'utf8')).context;
  const app = buildApp(new App({ context, stackTraces: false }));
  const service = (app.node.findChild('HaKitReference') as ReferenceStack).service;
  const chain = service.failoverTime.of(ServiceFailure.ZONE)!.breakdown.steps;
  const capacity = service.zoneCapacity!;
  return {
    next: chain.map((s) => ({ step: s.name, ms: s.duration.toMilliseconds(), kind: s.kind ?? 'CONFIGURED' })),
    capacity: { total: capacity.total!, zones: capacity.zones!, required: capacity.required, after_zone_loss: capacity.afterZoneLoss! },
  };
}

export async function runZoneDrill(options: { readonly print?: (line: string) => void } = {}): Promise<ZoneDrillResult> {
  const service = drillService();
  const stage = await setUpStage(service, ZONES.length * PER_ZONE, options.print);
  const { started, backends, recorder, timeline } = stage;
  const zoneOf = (i: number) => ZONES[Math.floor(i / PER_ZONE)];
  timeline.add('drill', 'note', `target group Api: ${backends.ports.map((p, i) => `127.0.0.1:${p} (zone ${zoneOf(i)})`).join(', ')}`);
  stage.contend(['c1', 'c2', 'c3']);
  const lost = backends.ports.map((port, i) => ({ port, i })).filter(({ i }) => zoneOf(i) === LOST);
  try {
    await waitFor('a leader that sees every target UP', () => timeline.count('state', 'UP') >= backends.ports.length, 15_000);
    const killed = timeline.phase(`lose zone ${LOST}: its ${lost.length} targets stop`);
    for (const { port, i } of lost) {
      await backends.stop(i);
      recorder.setAnswering('127.0.0.1', port, false);
    }
    const deregistered = () => recorder.actions.filter((c) => c.at >= killed && c.operation === 'DeregisterTargets');
    await waitFor('the zone\'s targets taken out', () => deregistered().length >= lost.length, 20_000).catch(() => undefined);
    // Long enough for a wrong move on the name or the accelerator to show.
    await new Promise((resolve) => setTimeout(resolve, 2_000));
    const downs = timeline.events.filter((e) => e.kind === 'state' && e.text.endsWith(' DOWN') && e.at >= killed);
    const out = deregistered();
    const changes = recorder.actions.filter((c) => c.at >= killed);
    const model = referenceZone();
    for (const s of model.next) timeline.add('aws', 'note', `then, at AWS (modelled, not run): ${s.step}, ${s.ms / 1000} s (${s.kind.toLowerCase().replace('_', ' ')})`);
    const result = {
      zone_lost: LOST,
      targets: backends.ports.length,
      targets_in_zone: lost.length,
      detected_ms: downs.length >= lost.length ? downs[lost.length - 1].at - killed : undefined,
      taken_out_ms: out.length >= lost.length ? out[lost.length - 1].at - killed : undefined,
      taken_out: out.length,
      ejection_cap: ejectionCap(backends.ports.length, service.config.actions.maxEjectPercent),
      name_failed_over: changes.some((c) => c.operation === 'ChangeResourceRecordSets' && JSON.stringify(c.input).includes(DRILL_NAMES.standbyDnsName)),
      vip_moved: changes.some((c) => c.operation === 'UpdateEndpointGroup'),
      budget_ms: { detection: service.worstCaseDetectionMs },
      ...model,
      duration_ms: Date.now() - started,
    };
    return { ...result, problems: judgeZone(result) };
  } finally {
    await stage.close();
  }
}

/** The zone drill's checks, each failed one a sentence. */
export function judgeZone(r: Omit<ZoneDrillResult, 'problems'>): string[] {
  const problems: string[] = [];
  if (r.detected_ms === undefined) problems.push(`the ${r.targets_in_zone} targets of zone ${r.zone_lost} were never all marked DOWN`);
  else if (r.detected_ms > r.budget_ms.detection) problems.push(`detection took ${r.detected_ms} ms, over the budget of ${r.budget_ms.detection} ms`);
  if (r.taken_out > r.ejection_cap) problems.push(`${r.taken_out} targets taken out, past the ejection cap of ${r.ejection_cap}`);
  if (r.taken_out !== r.targets_in_zone) problems.push(`${r.taken_out} targets taken out, not the zone's ${r.targets_in_zone}`);
  if (r.name_failed_over) problems.push('the name failed over to the standby region for the loss of one zone');
  if (r.vip_moved) problems.push('the accelerator moved traffic for the loss of one zone');
  if (r.capacity.after_zone_loss < r.capacity.required) problems.push(`the reference app keeps ${r.capacity.after_zone_loss} tasks without a zone, under its load of ${r.capacity.required}`);
  return problems;
}
