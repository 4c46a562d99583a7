import { Duration, Stack } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import * as servicediscovery from 'aws-cdk-lib/aws-servicediscovery';
import * as sns from 'aws-cdk-lib/aws-sns';
import {
  DnsFailover, DnsHealthCheck, FailoverTarget, FeatureFlags, HaLoadBalancer, HealthCheckProfile, HealthCheckProtocol, LeaderHealthMonitor, LeaderHealthMonitorProps,
  LoadBalancerType, NamespaceKind, RegistryHealthCheck, ServiceRegistry, VipEndpoint, VipFailover,
} from '../../lib';
import { expectRejected } from '../support/rejected';
import { MonitorFixture, monitorFixture } from './monitor-stack';

type Overrides = (f: MonitorFixture) => Partial<LeaderHealthMonitorProps>;

function attempt(overrides: Overrides): LeaderHealthMonitor {
  const f = monitorFixture();
  return new LeaderHealthMonitor(f.stack, 'Monitor', {
    vpc: f.vpc,
    targetGroups: [{ loadBalancer: f.lb, targetGroupName: 'Api' }],
    ...overrides(f),
  });
}

const tcp = (interval: number, timeout: number, extra: object = {}) => HealthCheckProfile.tcp({ interval: Duration.millis(interval), timeout: Duration.millis(timeout), ...extra });
const lease = (duration: number, renewDeadline: number, retryPeriod: number) => ({
  lease: { duration: Duration.millis(duration), renewDeadline: Duration.millis(renewDeadline), retryPeriod: Duration.millis(retryPeriod) },
});
const endpoint = (extra: object = {}) => ({ endpoints: [{ name: 'db', host: '10.0.5.5', port: 5432, ...extra }] });

/** [what, props, the message line: prop, value and what is allowed] */
const rejected: Array<[string, Overrides, RegExp]> = [
  ['an alert topic in another region', (f) => ({ alertTopic: sns.Topic.fromTopicArn(f.stack, 'Far', 'arn:aws:sns:us-east-1:111111111111:alerts') }),
    /alertTopic: got one in us-east-1 for eu-west-1; allowed: one in eu-west-1: the contenders publish to it from their own region, and a topic takes publishes only in its own/],
  // Timing against what one invocation can do
  ['an interval under 1 s', () => ({ healthCheck: tcp(500, 200) }), /healthCheck\.interval: got 0\.5 s; allowed: 1 to 60 seconds: the monitor probes from inside one invocation/],
  ['an interval over 60 s', () => ({ healthCheck: tcp(61_000, 2000) }), /healthCheck\.interval: got 61 s; allowed: 1 to 60 seconds/],
  ['a timeout as long as the interval', () => ({ healthCheck: tcp(2000, 2000) }),
    /healthCheck\.timeout: got 2 s; allowed: 0\.1 s to below the interval \(2 s\), so that a probe ends before the next is due/],
  ['a timeout under 0.1 s', () => ({ healthCheck: tcp(2000, 50) }), /healthCheck\.timeout: got 0\.05 s; allowed: 0\.1 s to below the interval/],
  ['a healthy threshold of 0', () => ({ healthCheck: tcp(5000, 2000, { healthyThreshold: 0 }) }), /healthCheck\.healthyThreshold: got 0; allowed: an integer from 1 to 10/],
  ['an unhealthy threshold of 11', () => ({ healthCheck: tcp(5000, 2000, { unhealthyThreshold: 11 }) }), /healthCheck\.unhealthyThreshold: got 11; allowed: an integer from 1 to 10/],
  ['a port on the monitor\'s health check', () => ({ healthCheck: tcp(5000, 2000, { port: 8080 }) }),
    /healthCheck\.port: got 8080; allowed: no port: the monitor probes each target group on its health check's port and each endpoint on its own/],
  ['a dead interval shorter than the interval', () => ({ downInterval: Duration.millis(500) }), /downInterval: got 0\.5 s; allowed: from the interval \(1 s\) to 300 s/],
  ['a dead interval over 300 s', () => ({ downInterval: Duration.seconds(301) }), /downInterval: got 301 s; allowed: from the interval \(1 s\) to 300 s/],
  ['no probe concurrency', () => ({ probeConcurrency: 0 }), /probeConcurrency: got 0; allowed: an integer from 1 to 256/],
  ['a probe concurrency of 257', () => ({ probeConcurrency: 257 }), /probeConcurrency: got 257; allowed: an integer from 1 to 256/],
  ['a jitter that pushes probes past the interval', () => ({ probeJitter: Duration.millis(501) }), /probeJitter: got 0\.501 s; allowed: 0 to the interval minus the timeout \(0\.5 s\)/],
  ['a body limit of 0 bytes', () => ({ maxBodyBytes: 0 }), /maxBodyBytes: got 0; allowed: an integer from 1 to 65536/],
  ['no contenders', () => ({ contenders: 0 }), /contenders: got 0; allowed: an integer from 1 to 5 \(targets of one EventBridge rule\)/],
  ['six contenders', () => ({ contenders: 6 }), /contenders: got 6; allowed: an integer from 1 to 5/],
  ['a cap of 0 actions', () => ({ maxActionsPerWindow: 0 }), /maxActionsPerWindow: got 0; allowed: an integer from 1 to 1000/],
  ['a 30 s action window', () => ({ actionWindow: Duration.seconds(30) }), /actionWindow: got 30 s; allowed: 1 minute to 1 day/],
  ['a two-day action window', () => ({ actionWindow: Duration.days(2) }), /actionWindow: got 172800 s; allowed: 1 minute to 1 day/],
  ['64 MiB of memory', () => ({ memorySize: 64 }), /memorySize: got 64; allowed: an integer from 128 to 10240/],
  // The lease
  ['a 1 s lease', () => lease(1000, 600, 200), /lease\.duration: got 1 s; allowed: 2 to 60 seconds/],
  ['a 61 s lease', () => ({ ...lease(61_000, 20_000, 2000), invocationDuration: Duration.seconds(200) }), /lease\.duration: got 61 s; allowed: 2 to 60 seconds/],
  ['a retry period under 0.2 s', () => lease(15_000, 10_000, 100), /lease\.retryPeriod: got 0\.1 s; allowed: at least 0\.2 s/],
  ['a renew deadline as long as the lease', () => lease(15_000, 15_000, 2000),
    /lease: got duration 15 s, renewDeadline 15 s, retryPeriod 2 s; allowed: duration > renewDeadline > 1\.2 × retryPeriod: a leader renews several times before it stops acting, and stops before its lease ends/],
  ['a renew deadline of one retry period', () => lease(15_000, 2400, 2000), /lease: got duration 15 s, renewDeadline 2\.4 s, retryPeriod 2 s; allowed: duration > renewDeadline > 1\.2 × retryPeriod/],
  ['a renew deadline from the default retry period', () => ({ lease: { renewDeadline: Duration.millis(300) } }), /lease: got duration 2 s, renewDeadline 0\.3 s, retryPeriod 0\.25 s/],
  ['calls of 0.4 s', () => ({ callTimeout: Duration.millis(400) }), /callTimeout: got 0\.4 s; allowed: at least 0\.5 s/],
  ['calls as long as the lease\'s margin', () => ({ callTimeout: Duration.millis(800) }),
    /callTimeout: got 0\.8 s; allowed: below lease\.duration − lease\.renewDeadline \(0\.8 s\): a leader's last call must end before a standby can take over/],
  ['a default call timeout with a thin margin', () => lease(2500, 2000, 400), /callTimeout \(default\): got 0\.6 s; allowed: below lease\.duration − lease\.renewDeadline \(0\.5 s\)/],
  ['invocations of 30 s', () => ({ invocationDuration: Duration.seconds(30) }),
    /invocationDuration: got 30 s; allowed: 60 to 840 seconds: contenders start every minute, and a function runs at most 900 s/],
  ['invocations of 900 s', () => ({ invocationDuration: Duration.seconds(900) }), /invocationDuration: got 900 s; allowed: 60 to 840 seconds/],
  ['a lease longer than half an invocation', () => ({ ...lease(40_000, 30_000, 5000) }), /lease\.duration: got 40 s; allowed: at most half the invocation duration \(70 s\)/],
  // Targets
  ['nothing to probe', () => ({ targetGroups: [] }), /targetGroups: got no target groups and no endpoints; allowed: at least one target group or endpoint to probe/],
  ['a target group the load balancer does not have', (f) => ({ targetGroups: [{ loadBalancer: f.lb, targetGroupName: 'Admin' }] }),
    /targetGroups\[0\]\.targetGroupName: got "Admin"; allowed: a target group of Mon\/Api: Api, Web/],
  ['a load balancer of another region', (f) => ({ targetGroups: [{ loadBalancer: remoteLb(f), targetGroupName: 'Far' }] }),
    /targetGroups\[0\]\.loadBalancer: got a load balancer in eu-central-1, watched from eu-west-1; allowed: a load balancer of the monitor's region/],
  ['a target group twice', (f) => ({ targetGroups: [{ loadBalancer: f.lb, targetGroupName: 'Api' }, { loadBalancer: f.lb, targetGroupName: 'Api' }] }),
    /targetGroups\[1\]\.targetGroupName: got "Api"; allowed: a name not watched already \(targetGroups\[0\] has it\)/],
  ['a target group of instances', (f) => ({ targetGroups: [{ loadBalancer: instanceLb(f), targetGroupName: 'Fleet' }] }),
    /targetGroups\[0\]\.targetGroupName: got "Fleet", a target group of instance targets; allowed: a target group of IP targets: the monitor probes the addresses ELB lists/],
  ['a body match on a TCP health check', (f) => ({ targetGroups: [{ loadBalancer: tcpLb(f), targetGroupName: 'Tcp', bodyContains: 'ok' }] }),
    /targetGroups\[0\]: got a body match on a TCP probe; allowed: bodyContains and bodyMatches only on HTTP\(S\) probes, which read a body/],
  ['two body matches', (f) => ({ targetGroups: [{ loadBalancer: f.lb, targetGroupName: 'Api', bodyContains: 'ok', bodyMatches: 'o+k' }] }),
    /targetGroups\[0\]: got both bodyContains and bodyMatches; allowed: one of them/],
  ['an empty body match', (f) => ({ targetGroups: [{ loadBalancer: f.lb, targetGroupName: 'Api', bodyContains: '' }] }), /targetGroups\[0\]\.bodyContains: got ""; allowed: text to find, at least one character/],
  ['a broken regular expression', (f) => ({ targetGroups: [{ loadBalancer: f.lb, targetGroupName: 'Api', bodyMatches: '"status":(' }] }),
    /targetGroups\[0\]\.bodyMatches: got "\\"status\\":\("; allowed: a JavaScript regular expression \(Invalid regular expression/],
  ['an endpoint name with a space', () => endpoint({ name: 'db proxy' }), /endpoints\[0\]\.name: got "db proxy"; allowed: letters, digits, "\.", "_" and "-"; at most 64 characters/],
  ['an endpoint group named like a target group', () => endpoint({ group: 'Api' }), /endpoints\[0\]\.group: got "Api"; allowed: a name that is not a monitored target group's/],
  ['an endpoint without a host', () => endpoint({ host: ' ' }), /endpoints\[0\]\.host: got ""; allowed: an address or DNS name/],
  ['an endpoint on port 0', () => endpoint({ port: 0 }), /endpoints\[0\]\.port: got 0; allowed: an integer from 1 to 65535/],
  ['a path on a TCP endpoint', () => endpoint({ path: '/health' }), /endpoints\[0\]: got a path or success codes for a TCP probe; allowed: path and successCodes only with HealthCheckProtocol\.HTTP or HTTPS/],
  ['a path without a slash', () => endpoint({ protocol: HealthCheckProtocol.HTTP, path: 'health' }), /endpoints\[0\]\.path: got "health"; allowed: a path starting with "\/"/],
  ['success codes in words', () => endpoint({ protocol: HealthCheckProtocol.HTTP, successCodes: '2xx' }), /endpoints\[0\]\.successCodes: got "2xx"; allowed: codes like 200, 200,204 or 200-299/],
  ['a configuration over the 4 KB of a function\'s environment', () => ({
    endpoints: Array.from({ length: 40 }, (_, i) => ({ name: `endpoint-${i}`, host: `service-${i}.internal.example.com`, port: 443, protocol: HealthCheckProtocol.HTTPS, path: '/health/deep' })),
  }), /endpoints: got a configuration of about \d+ bytes; allowed: at most 4096 bytes, Lambda's limit on a function's environment/],
  // DNS
  ['trigger groups without a failover pair', () => ({ dnsFailoverTriggerGroups: ['Api'] }), /dnsFailoverTriggerGroups: got \["Api"\]; allowed: none without dnsFailover/],
  ['a trigger group not watched', (f) => ({ dnsFailover: f.dns, dnsFailoverTriggerGroups: ['Web'] }), /dnsFailoverTriggerGroups\[0\]: got "Web"; allowed: a group this monitor watches: Api/],
  ['no trigger groups', (f) => ({ dnsFailover: f.dns, dnsFailoverTriggerGroups: [] }), /dnsFailoverTriggerGroups: got \[\]; allowed: at least one monitored group/],
  ['a failover name with no room for the fence record beside it', (f) => ({ dnsFailover: pairNamed(f, 249) }),
    /dnsFailover: got the record \S+ \(249 characters\); allowed: a record name of at most 248 characters: the monitor fences its changes with the record _fence.<name>, and Route 53 names are at most 255/],
  // Accelerator
  ['trigger groups without an accelerator', () => ({ vipFailoverTriggerGroups: ['Api'] }), /vipFailoverTriggerGroups: got \["Api"\]; allowed: none without vipFailover/],
  ['an accelerator trigger group not watched', (f) => ({ vipFailover: vipOver(f, f.lb), vipFailoverTriggerGroups: ['Web'] }),
    /vipFailoverTriggerGroups\[0\]: got "Web"; allowed: a group this monitor watches: Api/],
  ['no accelerator trigger groups', (f) => ({ vipFailover: vipOver(f, f.lb), vipFailoverTriggerGroups: [] }), /vipFailoverTriggerGroups: got \[\]; allowed: at least one monitored group/],
  ['an accelerator in front of a load balancer not watched', (f) => ({ vipFailover: vipOver(f, otherLoadBalancer(f)) }),
    /vipFailoverTriggerGroups: got none, and the accelerator's primary load balancer has no target group watched by this monitor; allowed: the monitored groups whose failure takes the accelerator's primary endpoint out of traffic/],
  ['a primary endpoint the monitor could not tell from one taken out', (f) => ({ vipFailover: vipOver(f, f.lb, 0) }),
    /vipFailover: got a primary endpoint of weight 0; allowed: a primary endpoint of weight 1 to 255: the monitor takes it out of traffic by setting its weight to 0/],
  // Names
  ['a monitor id with a space', () => ({ monitorId: 'shop monitor' }), /monitorId: got "shop monitor"; allowed: letters, digits, ".", "_" and "-"; at most 64 characters/],
  ['a monitor id of 65 characters', () => ({ monitorId: 'm'.repeat(65) }), /monitorId: got "m{65}"; allowed: letters, digits/],
  ['a failover pair in front of something unwatched', (f) => ({ dnsFailover: ipPair(f) }),
    /dnsFailoverTriggerGroups: got none, and the pair's primary is not an HaLoadBalancer watched by this monitor; allowed: the monitored groups whose failure fails the name over/],
  // Circuit breaker
  ['a breaker that never trips on consecutive failures', () => ({ circuitBreaker: { consecutiveFailures: 0 } }), /circuitBreaker\.consecutiveFailures: got 0; allowed: an integer from 1 to 100/],
  ['a failure rate over 100 %', () => ({ circuitBreaker: { failureRatePercent: 101 } }), /circuitBreaker\.failureRatePercent: got 101; allowed: an integer from 1 to 100/],
  ['a window of one call', () => ({ circuitBreaker: { window: 1 } }), /circuitBreaker\.window: got 1; allowed: an integer from 2 to 1000/],
  ['no half-open trials', () => ({ circuitBreaker: { halfOpenTrials: 0 } }), /circuitBreaker\.halfOpenTrials: got 0; allowed: an integer from 1 to 10/],
  ['an open timeout shorter than a call', () => ({ callTimeout: Duration.seconds(2), lease: { duration: Duration.seconds(15), renewDeadline: Duration.seconds(10), retryPeriod: Duration.seconds(2) }, circuitBreaker: { openTimeout: Duration.millis(1500) } }),
    /circuitBreaker\.openTimeout: got 1\.5 s; allowed: 2 s \(at least the call timeout\) to 600 s/],
  ['an open timeout of an hour', () => ({ circuitBreaker: { openTimeout: Duration.hours(1) } }), /circuitBreaker\.openTimeout: got 3600 s; allowed: 1 s \(at least the call timeout\) to 600 s/],
  ['a cap of 0 failovers', () => ({ maxFailoversPerWindow: 0 }), /maxFailoversPerWindow: got 0; allowed: an integer from 1 to 100/],
  ['an ejection cap of 0 %', () => ({ maxEjectPercent: 0 }), /maxEjectPercent: got 0; allowed: an integer from 1 to 100/],
  ['an ejection cap of 101 %', () => ({ maxEjectPercent: 101 }), /maxEjectPercent: got 101; allowed: an integer from 1 to 100/],
  ['a removed-target retention of 59 s', () => ({ removedTargetRetention: Duration.seconds(59) }), /removedTargetRetention: got 59 s; allowed: 1 minute to 1 day/],
  ['a removed-target retention over a day', () => ({ removedTargetRetention: Duration.hours(25) }), /removedTargetRetention: got 90000 s; allowed: 1 minute to 1 day/],
  // Switches
  ['flags without the monitor\'s switches', (f) => ({ switches: new FeatureFlags(f.stack, 'Flags', { flags: [{ name: 'newCheckout' }] }) }),
    /switches: got Mon\/Flags without monitorPaused and monitorDryRun; allowed: FeatureFlags with monitorSwitches: true/],
  ['a poll interval under AppConfig\'s minimum', (f) => ({ switches: new FeatureFlags(f.stack, 'Flags', { monitorSwitches: true }), switchPollInterval: Duration.seconds(5) }),
    /switchPollInterval: got 5 s; allowed: whole seconds from 15 \(AppConfig's minimum poll interval\) to 3600/],
  ['a poll interval without switches', () => ({ switchPollInterval: Duration.seconds(30) }), /switchPollInterval: got 30 s; allowed: only with switches/],
  // Membership
  ['a service the registry does not have', (f) => membership(f, { serviceName: 'web' }), /membership\[0\]\.serviceName: got "web"; allowed: a service of Mon\/Registry: api, cache, public/],
  ['a service with Route 53 health checks', (f) => membership(f, { serviceName: 'public' }, NamespaceKind.HTTP),
    /membership\[0\]\.serviceName: got "public" with ROUTE53 health checks; allowed: a service with custom health checks: the monitor reports health only to those/],
  ['a group the monitor does not watch', (f) => membership(f, { groups: ['Admin'] }), /membership\[0\]\.groups: got "Admin"; allowed: a watched target group or endpoint group: Api, endpoints/],
  ['no groups', (f) => membership(f, { groups: [] }), /membership\[0\]\.groups: got \[\]; allowed: at least one group/],
  ['a target group in a CNAME service', (f) => membership(f, { serviceName: 'cache', groups: ['Api'] }),
    /membership\[0\]\.groups: got "Api"; allowed: endpoint groups known by DNS name: cache has CNAME records, and targets of a target group are IP addresses/],
  ['endpoints by DNS name in an A service', (f) => ({ ...membership(f, { groups: ['endpoints'] }), endpoints: [{ name: 'primary', host: 'cache.example.com', port: 6379 }] }),
    /membership\[0\]\.groups: got "endpoints" with 1 endpoint\(s\) known by DNS name; allowed: IP addresses only: api has A records; give the service CNAME records for DNS names/],
  ['an attribute Cloud Map reserves', (f) => membership(f, { attributes: { AWS_INSTANCE_IPV4: '10.0.0.1' } }),
    /membership\[0\]\.attributes: got "AWS_INSTANCE_IPV4"; allowed: a key of 1 to 255 printable characters, not starting with AWS_ and not HA_KIT_REGISTERED_BY/],
  ['26 attributes', (f) => membership(f, { attributes: Object.fromEntries(Array.from({ length: 26 }, (_, i) => [`k${i}`, 'v'])) }),
    /membership\[0\]\.attributes: got 26 attributes; allowed: at most 25/],
];

function membership(f: MonitorFixture, overrides: object, kind = NamespaceKind.PRIVATE_DNS): Partial<LeaderHealthMonitorProps> {
  const registry = new ServiceRegistry(f.stack, 'Registry', {
    kind,
    vpc: kind === NamespaceKind.PRIVATE_DNS ? f.vpc : undefined,
    namespaceName: 'service.internal',
    services: kind === NamespaceKind.HTTP
      ? [{ name: 'api' }, { name: 'public', healthCheck: RegistryHealthCheck.route53() }]
      : [{ name: 'api' }, { name: 'cache', dnsRecordType: servicediscovery.DnsRecordType.CNAME }, { name: 'public', healthCheck: RegistryHealthCheck.none() }],
  });
  return {
    endpoints: [{ name: 'db', host: '10.0.5.5', port: 5432 }],
    membership: [{ registry, serviceName: 'api', groups: ['Api'], ...overrides }],
  };
}

function remoteLb(f: MonitorFixture): HaLoadBalancer {
  const stack = new Stack(f.app, 'Far', { env: { region: 'eu-central-1', account: '111111111111' }, crossRegionReferences: true });
  const vpc = new ec2.Vpc(stack, 'Vpc', { maxAzs: 2, natGateways: 1 });
  return new HaLoadBalancer(stack, 'Far', { vpc, targetGroups: [{ name: 'Far', port: 80, targetType: elbv2.TargetType.IP }], defaultTargetGroup: 'Far' });
}

function instanceLb(f: MonitorFixture): HaLoadBalancer {
  return new HaLoadBalancer(f.stack, 'Fleet', { vpc: f.vpc, targetGroups: [{ name: 'Fleet', port: 80, targetType: elbv2.TargetType.INSTANCE }], defaultTargetGroup: 'Fleet' });
}

function tcpLb(f: MonitorFixture): HaLoadBalancer {
  return new HaLoadBalancer(f.stack, 'Nlb', {
    vpc: f.vpc, loadBalancerType: LoadBalancerType.NETWORK,
    targetGroups: [{ name: 'Tcp', port: 9000, targetType: elbv2.TargetType.IP, healthCheck: HealthCheckProfile.tcp() }],
  });
}

/** An accelerator in front of `lb`, with a standby by ARN. */
function vipOver(f: MonitorFixture, lb: HaLoadBalancer, weight?: number): VipFailover {
  return new VipFailover(f.stack, 'Vip', {
    primary: lb, primaryOptions: { weight },
    standby: VipEndpoint.arn('arn:aws:elasticloadbalancing:eu-central-1:111111111111:loadbalancer/app/standby/50dc6c495c0c9188', 'eu-central-1'),
  });
}

/** A second load balancer in the fixture's stack, which the monitor does not watch. */
function otherLoadBalancer(f: MonitorFixture): HaLoadBalancer {
  return new HaLoadBalancer(f.stack, 'Other', {
    vpc: f.vpc, internetFacing: true, allowPlaintext: true,
    targetGroups: [{ name: 'Other', port: 8080, targetType: elbv2.TargetType.IP, healthCheck: HealthCheckProfile.http() }], defaultTargetGroup: 'Other',
  });
}

function ipPair(f: MonitorFixture): DnsFailover {
  return new DnsFailover(f.stack, 'IpPair', {
    zone: f.zone, recordName: 'legacy', primary: FailoverTarget.ipAddress('52.95.110.10'), secondary: FailoverTarget.ipAddress('52.95.110.20'),
    primaryHealthCheck: DnsHealthCheck.endpoint({ profile: HealthCheckProfile.http({ interval: Duration.seconds(30) }) }),
  });
}

/** A failover pair in front of the fixture's load balancer whose fully qualified name has `length` characters. */
function pairNamed(f: MonitorFixture, length: number): DnsFailover {
  const labels: string[] = [];
  let left = length - '.example.com'.length;
  while (left > 0) {
    const label = Math.min(63, left === 64 ? 62 : left);
    labels.push('n'.repeat(label));
    left -= label + 1;
  }
  const failover = new DnsFailover(f.stack, `Pair${length}`, {
    zone: f.zone, recordName: labels.join('.'), primary: FailoverTarget.loadBalancer(f.lb),
    secondary: FailoverTarget.remoteLoadBalancer('standby-123.eu-central-1.elb.amazonaws.com', 'Z215JYRZR1TBD5'),
  });
  expect(failover.recordName).toHaveLength(length);
  return failover;
}

describe('LeaderHealthMonitor rejects at synth', () => {
  test.each(rejected)('%s', (_, overrides, message) => {
    expectRejected(() => attempt(overrides), 'Mon/Monitor', message);
  });

  test.each<[string, Partial<LeaderHealthMonitorProps>]>([
    ['one failover per window', { maxFailoversPerWindow: 1 }],
    ['100 failovers per window', { maxFailoversPerWindow: 100 }],
    ['an ejection cap of 1 %', { maxEjectPercent: 1 }],
    ['an ejection cap of 100 %', { maxEjectPercent: 100 }],
    ['a removed-target retention of a minute', { removedTargetRetention: Duration.minutes(1) }],
    ['a removed-target retention of a day', { removedTargetRetention: Duration.days(1) }],
    ['a lease of 2 s with the shortest retry period', { lease: { duration: Duration.seconds(2), renewDeadline: Duration.millis(1200), retryPeriod: Duration.millis(200) } }],
  ])('accepts the bound: %s', (_, overrides) => {
    expect(() => attempt(() => overrides)).not.toThrow();
  });

  test.each<[string, Overrides]>([
    ['a monitor id of 64 characters', () => ({ monitorId: `${'m'.repeat(60)}.a_-` })],
    ['a failover name of 248 characters, with its fence record at 255', (f) => ({ dnsFailover: pairNamed(f, 248) })],
    ['an alert topic of another stack in the same region', (f) => ({ alertTopic: sns.Topic.fromTopicArn(f.stack, 'Near', 'arn:aws:sns:eu-west-1:222222222222:alerts') })],
  ])('accepts the bound: %s', (_, overrides) => {
    expect(() => attempt(overrides)).not.toThrow();
  });

  test('every problem at once', () => {
    expect(() => attempt(() => ({ contenders: 9, probeConcurrency: 0, healthCheck: tcp(500, 100) }))).toThrow(
      /healthCheck\.interval: got 0\.5 s.*\n.*probeConcurrency: got 0.*\n.*contenders: got 9/);
  });

  test('a target group that gets instance targets after the monitor was created fails the synth', () => {
    const f = monitorFixture();
    const lb = new HaLoadBalancer(f.stack, 'Late', { vpc: f.vpc, targetGroups: [{ name: 'Late', port: 80 }], defaultTargetGroup: 'Late' });
    new LeaderHealthMonitor(f.stack, 'Monitor', { vpc: f.vpc, targetGroups: [{ loadBalancer: lb, targetGroupName: 'Late' }] });
    (lb.targetGroup('Late').node.defaultChild as elbv2.CfnTargetGroup).targetType = elbv2.TargetType.INSTANCE;
    expect(() => f.app.synth()).toThrow(/Mon\/Monitor: targetGroups\[0\]\.targetGroupName: got "Late", a target group of instance targets; allowed: a target group of IP targets/);
  });

  test('a target group whose type is set later to IP synthesizes', () => {
    const f = monitorFixture();
    const lb = new HaLoadBalancer(f.stack, 'Late', { vpc: f.vpc, targetGroups: [{ name: 'Late', port: 80 }], defaultTargetGroup: 'Late' });
    new LeaderHealthMonitor(f.stack, 'Monitor', { vpc: f.vpc, targetGroups: [{ loadBalancer: lb, targetGroupName: 'Late' }] });
    (lb.targetGroup('Late').node.defaultChild as elbv2.CfnTargetGroup).targetType = elbv2.TargetType.IP;
    expect(() => f.app.synth()).not.toThrow();
  });
});
