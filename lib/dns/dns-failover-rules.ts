/**
 * The synth-time rules of a `DnsFailover`: the name and targets, each side's health check as
 * Route 53 accepts and can run it, the TTL policy and the failover budget. Each rule cites the
 * Route 53 or S3 page it comes from.
 */
import { isIP } from 'net';
import { Duration, Stack, Token } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import * as route53 from 'aws-cdk-lib/aws-route53';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { isKnownRegion, isUnroutable } from '../core/addresses';
import { AlarmEvaluation, AlarmFactory } from '../core/alarms';
import { DNS_NAME_ALLOWED, dnsNameProblem } from '../core/dns-names';
import { FailoverTimeBreakdown } from '../core/failover-time';
import { HealthCheckProtocol } from '../core/health-check-profile';
import { Validator, formatSeconds } from '../core/validation';
import { CheckPlan, EndpointPlan, PairSettings, Side, unreachableByCheckers } from './check-plan';
import { DnsFailoverProps } from './dns-failover-props';
import { DnsHealthCheckType, ROUTE53_CHECKER_REGIONS } from './dns-health-check';
import { FailoverModel, cheapestChange, fastestPossible } from './failover-budget';
import { FailoverTarget, FailoverTargetKind } from './failover-target';
import { recordTypeOf } from './records';

/** What the rules read of the pair being built. */
export interface PairFacts extends PairSettings {
  readonly scope: Construct;
  /** Fully qualified, without the trailing dot. */
  readonly recordName: string;
  readonly recordType: route53.RecordType;
  readonly failoverTime: FailoverTimeBreakdown;
  /** The evaluation of the pair's alarms when `alarms` does not say. */
  readonly alarmEvaluation: AlarmEvaluation;
  /** The path of a pair built earlier for the same zone, name and type, if any. */
  readonly duplicateOf?: string;
}

/** Every problem of `props`, in one Validator. */
export function validateDnsFailover(pair: PairFacts, props: DnsFailoverProps, primaryPlan: CheckPlan | undefined, secondaryPlan: CheckPlan | undefined, model: FailoverModel): Validator {
  const v = new Validator();
  const zoneName = props.zone.zoneName;
  if (!Token.isUnresolved(zoneName) && !Token.isUnresolved(props.recordName) && pair.recordName !== zoneName && !pair.recordName.endsWith(`.${zoneName}`)) {
    v.add('recordName', JSON.stringify(props.recordName), `a name in the zone ${zoneName}`);
  }
  const nameProblem = dnsNameProblem(pair.recordName);
  if (nameProblem !== undefined) v.add('recordName', nameProblem, DNS_NAME_ALLOWED);
  validateTarget(v, pair, 'primary', props.primary);
  validateTarget(v, pair, 'secondary', props.secondary);
  const secondaryType = recordTypeOf(props.secondary);
  if (secondaryType !== pair.recordType) {
    v.add('secondary', `a ${secondaryType} record while the primary is a ${pair.recordType} record`, 'targets of one record type: a failover pair is two records of the same name and type');
  }
  if (sameTarget(props.primary, props.secondary)) {
    v.add('secondary', `the primary's own target (${describeTarget(props.secondary)})`, 'another target: failing over to the primary itself moves no traffic');
  }
  if (pair.recordType === route53.RecordType.CNAME && pair.recordName === zoneName) {
    v.add('recordName', JSON.stringify(props.recordName), 'a name below the zone apex for host-name targets (a CNAME cannot be at the apex)');
  }
  if (pair.duplicateOf !== undefined) {
    v.add('recordName', `${pair.recordName} (${pair.recordType}), already a failover pair at ${pair.duplicateOf}`, 'one failover pair per name and record type in a zone');
  }

  if (primaryPlan === undefined || (primaryPlan.type === DnsHealthCheckType.TARGET_HEALTH_ONLY && !props.primary.isAlias)) {
    v.add('primaryHealthCheck', `none for a ${props.primary.kind} target`, 'a health check (DnsHealthCheck.endpoint(), .calculated() or .alarm()), or an alias target whose health Route 53 evaluates');
  }
  if (secondaryPlan?.type === DnsHealthCheckType.TARGET_HEALTH_ONLY && !props.secondary.isAlias) {
    v.add('secondaryHealthCheck', `target health only for a ${props.secondary.kind} target`, 'a Route 53 health check, or none: only alias targets have a target health');
  }
  const planCheck = props.regionSwitchHealthCheckId;
  // Route 53 HealthCheckId: "Maximum length of 64" (https://docs.aws.amazon.com/Route53/latest/APIReference/API_GetHealthCheck.html).
  if (planCheck !== undefined && !Token.isUnresolved(planCheck) && !/^[\x21-\x7e]{1,64}$/.test(planCheck)) {
    v.add('regionSwitchHealthCheckId', JSON.stringify(planCheck), 'a Route 53 health check ID, 1 to 64 printable characters, as list-route53-health-checks gives it');
  }
  validatePlan(v, pair, 'primaryHealthCheck', primaryPlan, props.primary);
  validatePlan(v, pair, 'secondaryHealthCheck', secondaryPlan, props.secondary);

  pair.ttlPolicy._validateSelf(v, 'ttlPolicy');
  const anyPlainRecord = !props.primary.isAlias || !props.secondary.isAlias;
  if (anyPlainRecord) pair.ttlPolicy._validateTtl(v, 'ttl', pair.ttl);
  if (props.alarmNamePrefix !== undefined && !Token.isUnresolved(props.alarmNamePrefix) && (props.alarmNamePrefix.length < 1 || props.alarmNamePrefix.length > 200)) {
    v.add('alarmNamePrefix', JSON.stringify(props.alarmNamePrefix), '1 to 200 characters');
  }
  v.deprecatedBeside('alarmNamePrefix', props.alarmNamePrefix, 'alarms.namePrefix', props.alarms?.namePrefix);
  AlarmFactory.validate(v, props.alarms ?? {}, 'alarms', pair.alarmEvaluation);
  if (props.failoverBudget !== undefined && v.issues.length === 0) validateBudget(v, pair, props.failoverBudget, model);
  return v;
}

function validateTarget(v: Validator, pair: PairFacts, side: Side, target: FailoverTarget): void {
  if (target.kind === FailoverTargetKind.IP_ADDRESS && !Token.isUnresolved(target.address!) && isIP(target.address!) === 0) {
    v.add(side, JSON.stringify(target.address), 'an IPv4 or IPv6 address');
  }
  if (target.kind === FailoverTargetKind.REMOTE_LOAD_BALANCER) validateRemoteLoadBalancer(v, side, target);
  if (target.kind === FailoverTargetKind.S3_WEBSITE) {
    const name = literalBucketName(target.bucket!);
    if (name !== undefined && name !== pair.recordName) {
      v.add(side, `bucket ${JSON.stringify(name)}`, `a bucket named ${JSON.stringify(pair.recordName)}: Route 53 serves an S3 website only from the bucket named like the record`);
    }
  }
}

/** The load balancer a target stands for, whether given as an HaLoadBalancer or as an ELB. */
function loadBalancerOf(t: FailoverTarget): elbv2.ILoadBalancerV2 | undefined {
  return t.haLoadBalancer?.loadBalancer ?? t.elbLoadBalancer;
}

/** Whether two targets are one and the same (resolved values only: tokens are never judged equal). */
function sameTarget(a: FailoverTarget, b: FailoverTarget): boolean {
  const lb = loadBalancerOf(a);
  if (lb !== undefined) return lb === loadBalancerOf(b);
  const literal = (x: string | undefined) => (x === undefined || Token.isUnresolved(x) ? undefined : x.toLowerCase().replace(/\.$/, ''));
  if (a.kind !== b.kind) return false;
  if (a.bucket !== undefined) return a.bucket === b.bucket;
  const [x, y] = [literal(a.dnsName ?? a.address ?? a.host), literal(b.dnsName ?? b.address ?? b.host)];
  return x !== undefined && x === y;
}

function describeTarget(t: FailoverTarget): string {
  if (t.haLoadBalancer) return t.haLoadBalancer.node.path;
  if (t.elbLoadBalancer) return t.elbLoadBalancer.node.path;
  if (t.bucket) return `bucket ${t.bucket.node.path}`;
  return t.dnsName ?? t.address ?? t.host ?? t.kind;
}

/**
 * A load balancer known by its DNS name: the name ELB gave it (`<name>-<id>.<region>.elb.amazonaws.com`
 * for an Application Load Balancer, `<name>-<id>.elb.<region>.amazonaws.com` for a Network Load
 * Balancer, `dualstack.` before either, `.com.cn` in China), of a region AWS has, and a Route 53
 * hosted zone id beside it (`Z` and up to 31 letters and digits). An alias to anything else is
 * refused by Route 53 at deploy, or points nowhere.
 * https://docs.aws.amazon.com/Route53/latest/APIReference/API_AliasTarget.html
 * https://docs.aws.amazon.com/general/latest/gr/elb.html
 */
function validateRemoteLoadBalancer(v: Validator, side: Side, target: FailoverTarget): void {
  const dnsName = target.dnsName!;
  if (!Token.isUnresolved(dnsName)) {
    const bare = dnsName.toLowerCase().replace(/\.$/, '');
    const region = (/^(?:dualstack\.)?[a-z0-9-]+\.([a-z0-9-]+)\.elb\.amazonaws\.com(?:\.cn)?$/.exec(bare)
      ?? /^(?:dualstack\.)?[a-z0-9-]+\.elb\.([a-z0-9-]+)\.amazonaws\.com(?:\.cn)?$/.exec(bare))?.[1];
    if (region === undefined) {
      v.add(side, `a remote load balancer named ${JSON.stringify(dnsName)}`, 'the DNS name ELB gave the load balancer (<name>-<id>.<region>.elb.amazonaws.com, or <name>-<id>.elb.<region>.amazonaws.com for a Network Load Balancer)');
    } else if (!isKnownRegion(region)) {
      v.add(side, `a remote load balancer in ${JSON.stringify(region)}`, 'a region AWS has (as aws-cdk-lib knows them: a newer region needs a newer aws-cdk-lib)');
    }
  }
  const zone = target.hostedZoneId!;
  if (!Token.isUnresolved(zone) && !/^Z[A-Z0-9]{1,31}$/.test(zone)) {
    v.add(side, `a canonical hosted zone id of ${JSON.stringify(zone)}`, 'the load balancer\'s canonical hosted zone id: Z and up to 31 capital letters and digits');
  }
}

function validatePlan(v: Validator, pair: PairFacts, prop: string, plan: CheckPlan | undefined, target: FailoverTarget): void {
  if (plan === undefined) return;
  const check = plan.check;
  if (plan.type === DnsHealthCheckType.ENDPOINT) {
    if (unreachableByCheckers(pair, target)) {
      const where = pair.privateZone ? 'in a private hosted zone' : 'of an internal load balancer';
      // Route 53 checkers probe from the internet ("Route 53 health checkers ... can't reach
      // private endpoints", Route 53 Developer Guide, "Health checks for private hosted zones"
      // and "Values that you specify when you create or update health checks").
      // https://docs.aws.amazon.com/Route53/latest/DeveloperGuide/health-checks-creating-values.html
      v.add(prop, `an endpoint health check ${where}`, 'DnsHealthCheck.alarm() or .calculated(): Route 53 checkers run on the internet and cannot reach private endpoints');
      return;
    }
    validateEndpoint(v, prop, plan.endpoint!);
    validateReachable(v, prop, plan.endpoint!, target);
  }
  if (plan.type === DnsHealthCheckType.CALCULATED) {
    const c = check!.calculatedOptions!;
    v.integer(`${prop}.children`, c.children.length, 1, 256, '1 to 256 child health checks');
    v.integer(`${prop}.healthThreshold`, c.healthThreshold, 0, c.children.length, `an integer from 0 to the number of children (${c.children.length})`);
  }
  if (plan.type === DnsHealthCheckType.ALARM && check?.alarmOptions) {
    validateRoute53Alarm(v, `${prop}.alarm`, check.alarmOptions.alarm);
  }
  if (plan.type === DnsHealthCheckType.ALARM && plan.hostCountOf) {
    const lbRegion = Stack.of(plan.hostCountOf).region;
    const region = Stack.of(pair.scope).region;
    if (!Token.isUnresolved(lbRegion) && !Token.isUnresolved(region) && lbRegion !== region) {
      v.add(prop, `alarms on a load balancer in ${lbRegion} from a stack in ${region}`, 'a DnsFailover in the load balancer\'s region, or DnsHealthCheck.alarm() with an alarm of your own (CloudWatch alarms watch metrics of their own region)');
    }
  }
}

/**
 * What Route 53 checkers can probe at all (Route 53 Developer Guide, "Values that you specify
 * when you create or update health checks"): no address in a local, private, non-routable or
 * multicast range; an S3 website endpoint over HTTP only (S3 User Guide, "Website endpoints":
 * "Amazon S3 website endpoints do not support HTTPS"); and TCP, HTTP or HTTPS, never UDP.
 * https://docs.aws.amazon.com/Route53/latest/DeveloperGuide/health-checks-creating-values.html
 * https://docs.aws.amazon.com/AmazonS3/latest/userguide/WebsiteEndpoints.html
 */
function validateReachable(v: Validator, prop: string, e: EndpointPlan, target: FailoverTarget): void {
  if (e.ipAddress !== undefined && !Token.isUnresolved(e.ipAddress) && isUnroutable(e.ipAddress)) {
    v.add(prop, `an endpoint health check of ${e.ipAddress}`, 'a public address: Route 53 does not check local, private, non-routable or multicast addresses (use DnsHealthCheck.alarm() for private endpoints)');
  }
  if (target.kind === FailoverTargetKind.S3_WEBSITE && (e.profile.protocol === HealthCheckProtocol.HTTPS)) {
    v.add(`${prop}.profile.protocol`, 'HTTPS on an S3 website', 'HTTP: S3 website endpoints serve HTTP only');
  }
  const lb = target.haLoadBalancer;
  if (lb !== undefined && e.options.profile === undefined && lb.listenerProtocol === elbv2.Protocol.UDP) {
    v.add(prop, 'a check derived from a UDP listener', 'a profile of your own (`profile`: a TCP or HTTP port the targets also serve), or DnsHealthCheck.alarm(): Route 53 checks TCP, HTTP and HTTPS only');
  }
}

function validateEndpoint(v: Validator, prop: string, e: EndpointPlan): void {
  const p = e.profile;
  // The profile's rules for Route 53, under the names the user gave: requestInterval and
  // failureThreshold replace the profile's own.
  const given: Record<string, string> = {
    interval: e.options.requestInterval ? 'requestInterval' : 'profile.interval',
    unhealthyThreshold: e.options.failureThreshold !== undefined ? 'failureThreshold' : 'profile.unhealthyThreshold',
  };
  for (const issue of p._validateForRoute53()) v.add(`${prop}.${given[issue.prop] ?? `profile.${issue.prop}`}`, issue.value, issue.allowed);
  if (p.protocol === HealthCheckProtocol.TCP && e.port === undefined) {
    v.add(`${prop}.profile.port`, 'none for a TCP check', 'the port to connect to: TCP checks have no default port');
  }
  const search = e.options.searchString;
  if (search !== undefined) {
    if (p.protocol === HealthCheckProtocol.TCP) {
      v.add(`${prop}.searchString`, JSON.stringify(search), 'no search string on a TCP check: string matching reads an HTTP(S) response body');
    } else if (!Token.isUnresolved(search) && (search.length < 1 || search.length > 255)) {
      v.add(`${prop}.searchString`, `${search.length} characters`, '1 to 255 characters, searched for in the first 5,120 bytes of the body');
    }
  }
  const regions = e.options.regions;
  if (regions !== undefined) {
    if (regions.length < 3) v.add(`${prop}.regions`, JSON.stringify(regions), 'at least 3 checker regions, so one region\'s trouble cannot decide health');
    regions.forEach((r, i) => v.oneOf(`${prop}.regions[${i}]`, r, ROUTE53_CHECKER_REGIONS));
    if (new Set(regions).size !== regions.length) v.add(`${prop}.regions`, JSON.stringify(regions), 'each region once');
  }
}

function validateBudget(v: Validator, pair: PairFacts, budget: Duration, model: FailoverModel): void {
  if (budget.isUnresolved()) return;
  const budgetSeconds = budget.toSeconds({ integral: false });
  const total = pair.failoverTime.total.toSeconds({ integral: false });
  if (total <= budgetSeconds) return;
  const change = cheapestChange(model, budgetSeconds);
  const advice = change
    ? `cheapest change that meets it: ${change.changes.join(' and ')}, for a total of ${change.total} s`
    : `no change within AWS's limits meets it: the fastest this configuration can fail over is ${fastestPossible(model)} s`;
  v.add('failoverBudget', formatSeconds(budget), `at least ${total} s for this configuration:\n${pair.failoverTime.render('    ')}\n    ${advice}`);
}

/** Route 53 only follows alarms on one standard-resolution metric with a basic statistic. */
function validateRoute53Alarm(v: Validator, prop: string, alarm: cloudwatch.IAlarm): void {
  const cfn = alarm.node.defaultChild;
  if (!(cfn instanceof cloudwatch.CfnAlarm)) return;
  const allowed = 'an alarm on one metric with period ≥ 60 s and statistic Average, Minimum, Maximum, Sum or SampleCount (what Route 53 health checks accept)';
  if (cfn.metrics !== undefined) v.add(prop, 'an alarm on metric math or a labelled metric', allowed);
  if (cfn.extendedStatistic !== undefined) v.add(prop, `statistic ${cfn.extendedStatistic}`, allowed);
  const period = cfn.period;
  if (typeof period === 'number' && period < 60) v.add(prop, `period ${period} s`, allowed);
}

function literalBucketName(bucket: s3.IBucket): string | undefined {
  const cfn = bucket.node.defaultChild;
  if (cfn instanceof s3.CfnBucket) {
    return cfn.bucketName !== undefined && !Token.isUnresolved(cfn.bucketName) ? cfn.bucketName : undefined;
  }
  return Token.isUnresolved(bucket.bucketName) ? undefined : bucket.bucketName;
}
