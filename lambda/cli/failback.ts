/**
 * `failback`: puts the name and the accelerator endpoint back on the primary by hand, after a
 * pause left them failed over. It checks first, and changes only what the monitor itself failed
 * over, with the monitor's own fenced calls.
 */
import { DescribeTargetHealthCommand } from '@aws-sdk/client-elastic-load-balancing-v2';
import { MonitorConfig } from '../health-monitor/contract';
import { parseToken, sameRecord, tokenName } from '../health-monitor/dns';
import { withWeight } from '../health-monitor/vip';
import { CliClients, Print, awsActions, flagSwitches, tableSwitches } from './commands';

/** One change failback would make, and how to make it. */
interface Step {
  readonly description: string;
  readonly apply: () => Promise<void>;
}

/**
 * Why failback may not run, or nothing: the monitor must be paused (acting, it fails back by
 * itself once a trigger target is UP, and would fight a change made by hand), and every group
 * that triggers a failover must have a target ELB calls healthy.
 */
async function refusals(clients: CliClients, config: MonitorConfig): Promise<string[]> {
  const problems: string[] = [];
  const table = await tableSwitches(clients, config);
  const flags = await flagSwitches(clients, config);
  if (!table.paused && flags?.paused !== true) {
    problems.push('the monitor is not paused: acting, it fails back by itself once a trigger target is UP. Pause it first (`pause`), fail back, then `resume`');
  }
  const triggers = new Set([...(config.dns?.triggerGroups ?? []), ...(config.vip?.triggerGroups ?? [])]);
  for (const name of triggers) {
    const group = config.targetGroups.find((g) => g.name === name);
    if (!group) continue; // endpoints outside ELB: nothing to ask ELB about
    const out = await clients.elb.send(new DescribeTargetHealthCommand({ TargetGroupArn: group.arn }));
    const healthy = (out.TargetHealthDescriptions ?? []).filter((d) => d.TargetHealth?.State === 'healthy').length;
    if (healthy === 0) problems.push(`target group ${name} has no healthy target by ELB's checks: failing back would send traffic to a primary that cannot serve it`);
  }
  return problems;
}

/** The changes that bring the name and the endpoint back as deployed; refusals for states failback does not know. */
async function plan(clients: CliClients, config: MonitorConfig, problems: string[]): Promise<Step[]> {
  const actions = awsActions(clients, config);
  const steps: Step[] = [];
  const dns = config.dns;
  if (dns) {
    const state = await actions.readName(dns.hostedZoneId, dns.primaryRecord, tokenName(dns));
    if (sameRecord(state.record, dns.failoverRecord)) {
      // The token moves on too, so that a batch a leader sent before cannot land after this one.
      const token = parseToken(state.token);
      const next = `e${token.epoch}.${token.n + 1}`;
      steps.push({
        description: `name ${dns.primaryRecord.Name}: answer with the primary again, as deployed (token ${state.token ?? 'none'} → ${next})`,
        apply: () => actions.changeName(dns.hostedZoneId, tokenName(dns), state.token, next, dns.primaryRecord, `${config.monitorId}: failback by an operator`, false),
      });
    } else if (!sameRecord(state.record, dns.primaryRecord)) {
      problems.push(`name ${dns.primaryRecord.Name} answers with neither the primary nor the monitor's failover target: someone else changed it; set it by hand`);
    }
  }
  const vip = config.vip;
  if (vip) {
    const endpoints = await actions.readEndpoints(vip.endpointGroupArn);
    const weight = endpoints.find((e) => e.EndpointId === vip.endpointId)?.Weight;
    if (weight === 0 || weight === undefined) {
      steps.push({
        description: `accelerator endpoint ${vip.endpointId}: back in traffic at weight ${vip.weight}, as deployed`,
        apply: () => actions.setEndpoints(vip.endpointGroupArn, withWeight(endpoints, vip, vip.weight), false),
      });
    } else if (weight !== vip.weight) {
      problems.push(`accelerator endpoint ${vip.endpointId} has weight ${weight}, neither 0 nor the deployed ${vip.weight}: someone else changed it; set it by hand`);
    }
  }
  return steps;
}

/**
 * Checks, then prints what it would change; with `apply`, changes it.
 * @returns the exit code: 0 done (or nothing to do), 1 refused
 */
export async function failback(clients: CliClients, config: MonitorConfig, apply: boolean, print: Print): Promise<number> {
  const problems = await refusals(clients, config);
  const steps = await plan(clients, config, problems);
  if (problems.length > 0) {
    print('failback refused:');
    for (const p of problems) print(`  - ${p}`);
    return 1;
  }
  if (steps.length === 0) {
    print('nothing to fail back: the name and the accelerator answer with the primary, as deployed');
    return 0;
  }
  print(apply ? 'failing back:' : 'failback would (run again with --yes to do it):');
  for (const step of steps) {
    print(`  - ${step.description}`);
    if (apply) await step.apply();
  }
  if (apply) print('done. Resume the monitor (`resume`) once you are satisfied: it then watches and fails over again.');
  return 0;
}
