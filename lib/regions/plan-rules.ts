/**
 * The plan's rules, from the ARC Region switch API Reference and Developer Guide, and the steps
 * its workflows take.
 */
import { Duration, Stack, Token } from 'aws-cdk-lib';
import * as arc from 'aws-cdk-lib/aws-arcregionswitch';
import { Construct } from 'constructs';
import { Validator, formatSeconds } from '../core/validation';
import { clusterArn } from './plan-permissions';
import { PlanApproval, RegionSwitchPlanProps } from './plan-props';
import { RegionSwitchRegion } from './region-switch-region';

/** CreatePlan `name`: "Minimum length of 1. Maximum length of 32", `[a-zA-Z0-9](?:[a-zA-Z0-9-]{0,30}[a-zA-Z0-9])?`. */
const PLAN_NAME = /^[a-zA-Z0-9](?:[a-zA-Z0-9-]{0,30}[a-zA-Z0-9])?$/;
/** CreatePlan `regions`: `[a-z]{2}-[a-z-]+-\d+`, a "fixed number of 2 items". */
const REGION = /^[a-z]{2}-[a-z-]+-\d+$/;

/** A timeout in whole minutes, at least 1: every block's `timeoutMinutes` ("Minimum value of 1"). */
function minutes(v: Validator, prop: string, d: Duration | undefined): void {
  if (d === undefined || d.isUnresolved()) return;
  const m = d.toSeconds({ integral: false }) / 60;
  if (!Number.isInteger(m) || m < 1) v.add(prop, formatSeconds(d), 'whole minutes, at least 1 (ARC\'s timeoutMinutes)');
}

export function validatePlan(v: Validator, name: string, props: RegionSwitchPlanProps, approval: PlanApproval): void {
  const { primary, standby } = props;
  if (!Token.isUnresolved(name) && !PLAN_NAME.test(name)) {
    v.add('planName', JSON.stringify(name), '1 to 32 letters, digits and hyphens, starting and ending with a letter or a digit');
  }
  for (const [prop, r] of [['primary', primary], ['standby', standby]] as const) {
    if (Token.isUnresolved(r.region)) v.add(prop, `${r.node.path}, in a stack with no region`, 'a region-specific stack (env: { region }): a plan names its two regions');
    else if (!REGION.test(r.region)) v.add(prop, `${r.node.path}, in ${r.region}`, 'a region such as eu-west-1');
  }
  if (!Token.isUnresolved(primary.region) && primary.region === standby.region) {
    v.add('standby', `${standby.node.path}, in ${standby.region}, the primary's region`, 'a region of its own: a plan switches between two regions');
  }
  minutes(v, 'approval.timeout', approval.timeout);
  minutes(v, 'stepTimeouts.database', props.stepTimeouts?.database);
  minutes(v, 'stepTimeouts.cache', props.stepTimeouts?.cache);
  minutes(v, 'stepTimeouts.capacity', props.stepTimeouts?.capacity);
  minutes(v, 'stepTimeouts.traffic', props.stepTimeouts?.traffic);
  validateTraffic(v, props);
  v.integer('capacityPercent', props.capacityPercent, 1, 100, 'an integer from 1 to 100: the share of the other region\'s tasks to run');
  validatePairs(v, primary, standby);
  validateTrigger(v, props);
  if (!primary.database && !primary.cache && primary.ecsServices.length === 0) {
    v.add('primary', `${primary.node.path}, with no database, cache or ECS service`, 'at least one part for the plan to act on');
  }
}

/**
 * A trigger's quorum: two alarms at least (one vantage point alone never starts a failover), ten
 * at most ("Maximum number of 10 items", Trigger `conditions`), each once; its delay in whole
 * minutes (`minDelayMinutesBetweenExecutions`, an integer).
 */
function validateTrigger(v: Validator, props: RegionSwitchPlanProps): void {
  const trigger = props.trigger;
  if (!trigger) return;
  const count = trigger.alarms.length;
  if (count < 2 || count > 10) {
    v.add('trigger.alarms', `${count} alarm(s)`, '2 to 10 alarms, each from a vantage point of its own: one alone must never start a failover that may lose data');
  }
  if (new Set(trigger.alarms).size !== count) v.add('trigger.alarms', 'the same alarm twice', 'distinct alarms: a quorum of one vantage point is no quorum');
  const delay = trigger.minDelayBetweenExecutions;
  if (!delay.isUnresolved() && !Number.isInteger(delay.toSeconds({ integral: false }) / 60)) {
    v.add('trigger.minDelayBetweenExecutions', formatSeconds(delay), 'whole minutes (ARC\'s minDelayMinutesBetweenExecutions)');
  }
}

/**
 * The name the traffic step turns: its PRIMARY record in the plan's primary region, its SECONDARY
 * in the standby, where synth can tell (a load balancer of this app). ARC maps each record set to
 * a region by the record set identifiers the step gives it.
 */
function validateTraffic(v: Validator, props: RegionSwitchPlanProps): void {
  const dns = props.dnsFailover;
  if (!dns) return;
  const sides = [['primary', dns.primaryTarget, props.primary.region], ['secondary', dns.secondaryTarget, props.standby.region]] as const;
  for (const [side, target, region] of sides) {
    const lb = target.haLoadBalancer?.loadBalancer ?? target.elbLoadBalancer;
    const where = lb ? Stack.of(lb).region : undefined;
    if (where !== undefined && !Token.isUnresolved(where) && !Token.isUnresolved(region) && where !== region) {
      v.add('dnsFailover', `${dns.node.path}, its ${side} a load balancer in ${where}`,
        `a failover pair whose ${side} is in ${region}, the plan's ${side === 'primary' ? 'primary' : 'standby'} region: the traffic step turns each region's health check`);
    }
  }
}

/**
 * The traffic, last: ARC's Route 53 health check block turns the check it keeps for each region,
 * the activated region's healthy and the other's not; the PRIMARY record carries the primary
 * region's (`DnsFailover` `regionSwitchHealthCheckId`). Its record sets are named, so that ARC
 * need not guess each one's region from its value.
 * https://docs.aws.amazon.com/r53recovery/latest/dg/route53-health-check-block.html
 */
export function trafficStep(props: RegionSwitchPlanProps, timeout: Duration): arc.CfnPlan.StepProperty[] {
  const dns = props.dnsFailover;
  if (!dns) return [];
  return [{
    name: 'move-traffic',
    description: `Turn ${dns.recordName} to the activated region: ARC's health check for the other region goes unhealthy`,
    executionBlockType: 'Route53HealthCheck',
    executionBlockConfiguration: {
      route53HealthCheckConfig: {
        hostedZoneId: dns.zone.hostedZoneId,
        recordName: dns.recordName,
        // DnsFailover's set identifiers are its sides' names.
        recordSets: [
          { recordSetIdentifier: 'primary', region: props.primary.region },
          { recordSetIdentifier: 'secondary', region: props.standby.region },
        ],
        timeoutMinutes: timeout.toMinutes(),
      },
    },
  }];
}

/** Each part on both sides, and both sides of one global database, one Global Datastore. */
function validatePairs(v: Validator, primary: RegionSwitchRegion, standby: RegionSwitchRegion): void {
  const pair = (what: string, a: Construct | undefined, b: Construct | undefined) => {
    if ((a === undefined) !== (b === undefined)) {
      v.add(`${a ? 'standby' : 'primary'}.${what}`, 'none', `a ${what} in both regions: ${(a ?? b)!.node.path} has no counterpart`);
      return false;
    }
    return a !== undefined;
  };
  if (pair('database', primary.database, standby.database) && primary.database!.globalClusterIdentifier !== standby.database!.globalClusterIdentifier) {
    v.add('standby.database', `${standby.database!.node.path}, in global database ${standby.database!.globalClusterIdentifier}`,
      `a member of the primary's global database, ${primary.database!.globalClusterIdentifier}`);
  }
  if (pair('cache', primary.cache, standby.cache) && primary.cache!.globalReplicationGroupId !== standby.cache!.globalReplicationGroupId) {
    v.add('standby.cache', `${standby.cache!.node.path}, in another Global Datastore`, `a member of the primary's Global Datastore (${primary.cache!.node.path})`);
  }
  if (primary.ecsServices.length !== standby.ecsServices.length) {
    v.add('standby.ecsServices', `${standby.ecsServices.length} service(s) against the primary's ${primary.ecsServices.length}`,
      'as many as the primary, in the same order: ARC scales each service to its counterpart\'s tasks (two services per step)');
  }
}

/** The ECS services of the activated region, each scaled to its counterpart's tasks, in parallel. */
export function capacityStep(props: RegionSwitchPlanProps, other: RegionSwitchRegion, activate: RegionSwitchRegion, timeout: Duration): arc.CfnPlan.StepProperty[] {
  const steps = activate.ecsServices.map((service, i): arc.CfnPlan.StepProperty => ({
    name: `scale-${i + 1}`,
    description: `Run ${service.node.path} at ${props.capacityPercent ?? 100} % of ${other.ecsServices[i].node.path}'s tasks`,
    executionBlockType: 'ECSServiceScaling',
    executionBlockConfiguration: {
      ecsCapacityIncreaseConfig: {
        services: [other, activate].map((r) => ({ clusterArn: r.ecsServices[i].cluster.clusterArn, serviceArn: r.ecsServices[i].serviceArn })),
        targetPercent: props.capacityPercent ?? 100,
        capacityMonitoringApproach: 'sampledMaxInLast24Hours',
        timeoutMinutes: timeout.toMinutes(),
      },
    },
  }));
  return steps.length <= 1 ? steps : [{ name: 'scale', description: 'The compute, every service at once', executionBlockType: 'Parallel', executionBlockConfiguration: { parallelConfig: { steps } } }];
}

/**
 * The data, in parallel: the global database (a switchover gracefully; ungracefully, a failover,
 * except on the failback, which only ever switches over) and the Global Datastore.
 */
export function dataSteps(props: RegionSwitchPlanProps, dbTimeout: Duration, cacheTimeout: Duration, failback: boolean): arc.CfnPlan.StepProperty[] {
  const { primary, standby } = props;
  const steps: arc.CfnPlan.StepProperty[] = [];
  if (primary.database) {
    steps.push({
      name: 'promote-database',
      description: failback ? 'Switch the global database over: no write lost' : 'Switch the global database over, or fail it over when the other region is lost',
      executionBlockType: 'AuroraGlobalDatabase',
      executionBlockConfiguration: {
        globalAuroraConfig: {
          behavior: 'switchoverOnly',
          ungraceful: failback ? undefined : { ungraceful: 'failover' },
          globalClusterIdentifier: primary.database.globalClusterIdentifier!,
          databaseClusterArns: [primary, standby].map((r) => clusterArn(primary, r)),
          timeoutMinutes: dbTimeout.toMinutes(),
        },
      },
    });
  }
  if (primary.cache) {
    steps.push({
      name: 'promote-cache',
      description: 'Promote the activated region\'s Global Datastore member (a function this library ships)',
      executionBlockType: 'CustomActionLambda',
      executionBlockConfiguration: {
        customActionLambdaConfig: {
          lambdas: [primary, standby].map((r) => ({ arn: r.cacheStepFunction!.functionArn })),
          regionToRun: 'activatingRegion',
          retryIntervalMinutes: 1,
          timeoutMinutes: cacheTimeout.toMinutes(),
          ungraceful: props.skipCacheWhenUngraceful ? { behavior: 'skip' } : undefined,
        },
      },
    });
  }
  return steps.length <= 1 ? steps : [{ name: 'promote-data', description: 'The database and the cache, at once', executionBlockType: 'Parallel', executionBlockConfiguration: { parallelConfig: { steps } } }];
}
