import { Duration, Stack, Token } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import * as route53 from 'aws-cdk-lib/aws-route53';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { DnsFailover, DnsFailoverProps, DnsHealthCheck, FailoverTarget, HaLoadBalancer, HealthCheckProfile, LoadBalancerType, TtlPolicy } from '../../lib';
import { HaValidationError } from '../../lib/core/errors';
import { checkTemplateAgainstSpec } from '../support/resource-spec';
import { testApp } from '../support/stacks';

const IP = FailoverTarget.ipAddress('52.95.110.10');
const IP2 = FailoverTarget.ipAddress('52.95.110.20');
const REMOTE = FailoverTarget.remoteLoadBalancer('standby.eu-central-1.elb.amazonaws.com', 'Z215JYRZR1TBD5');
const endpoint = (profile: HealthCheckProfile, extra: object = {}) => DnsHealthCheck.endpoint({ profile, ...extra });
const LABEL63 = 'a'.repeat(63);
const http30 = (extra: object = {}) => HealthCheckProfile.http({ interval: Duration.seconds(30), ...extra });

interface Ctx { stack: Stack; vpc: ec2.Vpc; zone: route53.IHostedZone; lb: (internetFacing?: boolean) => HaLoadBalancer }
type Overrides = (ctx: Ctx) => Partial<DnsFailoverProps>;

function context(region = 'us-east-1'): Ctx {
  const stack = new Stack(testApp(), 'Dns', { env: { region } });
  const vpc = new ec2.Vpc(stack, 'Vpc', { maxAzs: 2, natGateways: 1 });
  const zone = new route53.PublicHostedZone(stack, 'Zone', { zoneName: 'example.com' });
  let n = 0;
  const lb = (internetFacing = true) => new HaLoadBalancer(stack, `Lb${n++}`, {
    vpc, internetFacing, allowPlaintext: internetFacing, targetGroups: [{ name: 'Web', port: 80 }], defaultTargetGroup: 'Web',
  });
  return { stack, vpc, zone, lb };
}

function attempt(overrides: Overrides, ctx = context()): DnsFailover {
  return new DnsFailover(ctx.stack, 'Api', {
    zone: ctx.zone, recordName: 'api', primary: IP, secondary: IP2, primaryHealthCheck: endpoint(http30()),
    ...overrides(ctx),
  });
}

/** [what, props, the message line: prop, value and what is allowed] */
const rejected: Array<[string, Overrides, RegExp]> = [
  // Route 53 endpoint checks
  ['a 5 s interval', () => ({ primaryHealthCheck: endpoint(HealthCheckProfile.http({ interval: Duration.seconds(5), timeout: Duration.seconds(2) })) }),
    /primaryHealthCheck\.profile\.interval: got 5 s; allowed: 10 s \(fast, billed as an optional feature\) or 30 s: the only Route 53 request intervals/],
  ['a 60 s interval', () => ({ primaryHealthCheck: endpoint(HealthCheckProfile.http({ interval: Duration.seconds(60) })) }), /primaryHealthCheck\.profile\.interval: got 60 s; allowed: 10 s .* or 30 s/],
  ['a failure threshold of 0', () => ({ primaryHealthCheck: endpoint(http30({ unhealthyThreshold: 0 })) }),
    /primaryHealthCheck\.profile\.unhealthyThreshold: got 0; allowed: an integer from 1 to 10 \(the Route 53 failure threshold\)/],
  ['a failure threshold of 11', () => ({ primaryHealthCheck: endpoint(http30({ unhealthyThreshold: 11 })) }), /primaryHealthCheck\.profile\.unhealthyThreshold: got 11; allowed: an integer from 1 to 10/],
  ['a resource path of 256 characters', () => ({ primaryHealthCheck: endpoint(http30({ path: `/${'p'.repeat(255)}` })) }),
    /primaryHealthCheck\.profile\.path: got "\/p{255}"; allowed: a path starting with "\/", at most 255 characters \(Route 53\)/],
  ['string matching on a TCP check', () => ({ primaryHealthCheck: endpoint(HealthCheckProfile.tcp({ interval: Duration.seconds(30), port: 443 }), { searchString: 'ok' }) }),
    /primaryHealthCheck\.searchString: got "ok"; allowed: no search string on a TCP check: string matching reads an HTTP\(S\) response body/],
  ['a search string of 256 characters', () => ({ primaryHealthCheck: endpoint(http30(), { searchString: 's'.repeat(256) }) }),
    /primaryHealthCheck\.searchString: got 256 characters; allowed: 1 to 255 characters, searched for in the first 5,120 bytes of the body/],
  ['an empty search string', () => ({ primaryHealthCheck: endpoint(http30(), { searchString: '' }) }), /primaryHealthCheck\.searchString: got 0 characters; allowed: 1 to 255/],
  ['two checker regions', () => ({ primaryHealthCheck: endpoint(http30(), { regions: ['us-east-1', 'eu-west-1'] }) }),
    /primaryHealthCheck\.regions: got \["us-east-1","eu-west-1"\]; allowed: at least 3 checker regions/],
  ['a region without checkers', () => ({ primaryHealthCheck: endpoint(http30(), { regions: ['us-east-1', 'eu-west-1', 'eu-north-1'] }) }),
    /primaryHealthCheck\.regions\[2\]: got "eu-north-1"; allowed: one of us-east-1, us-west-1, us-west-2, eu-west-1, ap-southeast-1, ap-southeast-2, ap-northeast-1, sa-east-1/],
  ['a region twice', () => ({ primaryHealthCheck: endpoint(http30(), { regions: ['us-east-1', 'eu-west-1', 'us-east-1'] }) }), /primaryHealthCheck\.regions: got .*; allowed: each region once/],
  ['a path over 255 characters', () => ({ primaryHealthCheck: endpoint(http30({ path: '/' + 'p'.repeat(255) })) }),
    /primaryHealthCheck\.profile\.path: got "\/p+"; allowed: a path starting with "\/", at most 255 characters \(Route 53\)/],
  ['port 0', () => ({ primaryHealthCheck: endpoint(http30({ port: 0 })) }), /primaryHealthCheck\.profile\.port: got 0; allowed: an integer from 1 to 65535/],
  ['a TCP check without a port', () => ({ primaryHealthCheck: endpoint(HealthCheckProfile.tcp({ interval: Duration.seconds(30) })) }),
    /primaryHealthCheck\.profile\.port: got none for a TCP check; allowed: the port to connect to/],
  ['a request interval of 20 s', () => ({ primaryHealthCheck: DnsHealthCheck.endpoint({ profile: http30(), requestInterval: Duration.seconds(20) }) }),
    /primaryHealthCheck\.requestInterval: got 20 s; allowed: 10 s .* or 30 s/],
  ['a failure threshold of 12', () => ({ primaryHealthCheck: DnsHealthCheck.endpoint({ profile: http30(), failureThreshold: 12 }) }),
    /primaryHealthCheck\.failureThreshold: got 12; allowed: an integer from 1 to 10 \(the Route 53 failure threshold\)/],
  ['a secondary check with a bad interval', () => ({ secondaryHealthCheck: endpoint(HealthCheckProfile.http({ interval: Duration.seconds(20) })) }), /secondaryHealthCheck\.profile\.interval: got 20 s/],

  // primaries without health
  ['an IP primary without a health check', () => ({ primaryHealthCheck: undefined }),
    /primaryHealthCheck: got none for a IP_ADDRESS target; allowed: a health check \(DnsHealthCheck.endpoint\(\), .calculated\(\) or .alarm\(\)\), or an alias target whose health Route 53 evaluates/],
  ['a host-name primary with target health only', () => ({ primary: FailoverTarget.hostname('a.example.net'), secondary: FailoverTarget.hostname('b.example.net'), primaryHealthCheck: DnsHealthCheck.targetHealthOnly() }),
    /primaryHealthCheck: got none for a HOSTNAME target/],
  ['target health only for an IP secondary', () => ({ secondaryHealthCheck: DnsHealthCheck.targetHealthOnly() }),
    /secondaryHealthCheck: got target health only for a IP_ADDRESS target; allowed: a Route 53 health check, or none/],

  // private endpoints
  ['an endpoint check in a private zone', ({ stack, vpc }) => ({ zone: new route53.PrivateHostedZone(stack, 'Private', { zoneName: 'corp.internal', vpc }) }),
    /primaryHealthCheck: got an endpoint health check in a private hosted zone; allowed: DnsHealthCheck.alarm\(\) or .calculated\(\): Route 53 checkers run on the internet/],
  ['an endpoint check in a zone declared private', () => ({ privateZone: true }), /primaryHealthCheck: got an endpoint health check in a private hosted zone/],
  ['an endpoint check of an internal load balancer', ({ lb }) => ({ primary: FailoverTarget.loadBalancer(lb(false)), secondary: REMOTE }),
    /primaryHealthCheck: got an endpoint health check of an internal load balancer/],
  ['an endpoint check of an internal load balancer passed as any ELB', ({ stack, vpc }) => ({
    primary: FailoverTarget.elb(new elbv2.ApplicationLoadBalancer(stack, 'Internal', { vpc, internetFacing: false })), secondary: REMOTE,
  }), /primaryHealthCheck: got an endpoint health check of an internal load balancer; allowed: DnsHealthCheck.alarm\(\) or .calculated\(\): Route 53 checkers run on the internet/],
  ['an endpoint check of a private address', () => ({ primary: FailoverTarget.ipAddress('10.0.1.15'), secondary: FailoverTarget.ipAddress('52.95.110.20') }),
    /primaryHealthCheck: got an endpoint health check of 10.0.1.15; allowed: a public address: Route 53 does not check local, private, non-routable or multicast addresses/],
  ['an endpoint check of a shared-address-space address', () => ({ primary: FailoverTarget.ipAddress('100.64.0.7') }), /primaryHealthCheck: got an endpoint health check of 100.64.0.7; allowed: a public address/],
  ['an endpoint check of a documentation address', () => ({ primary: FailoverTarget.ipAddress('192.0.2.10') }), /primaryHealthCheck: got an endpoint health check of 192.0.2.10; allowed: a public address/],
  ['an endpoint check of a unique-local IPv6 address', () => ({ primary: FailoverTarget.ipAddress('fd12:3456::1'), secondary: FailoverTarget.ipAddress('2600:1f18::1') }),
    /primaryHealthCheck: got an endpoint health check of fd12:3456::1; allowed: a public address/],
  ['a default check derived from a UDP listener', ({ stack, vpc }) => ({
    primary: FailoverTarget.loadBalancer(new HaLoadBalancer(stack, 'Udp', {
      vpc, internetFacing: true, loadBalancerType: LoadBalancerType.NETWORK,
      targetGroups: [{ name: 'Dns', port: 53, protocol: elbv2.Protocol.UDP, healthCheck: HealthCheckProfile.tcp({ port: 8053 }) }],
    })), secondary: REMOTE, primaryHealthCheck: DnsHealthCheck.endpoint(),
  }), /primaryHealthCheck: got a check derived from a UDP listener; allowed: a profile of your own \(`profile`: a TCP or HTTP port the targets also serve\), or DnsHealthCheck.alarm\(\): Route 53 checks TCP, HTTP and HTTPS only/],
  ['an HTTPS check of an S3 website', ({ stack }) => ({
    primary: FailoverTarget.s3Website(s3.Bucket.fromBucketName(stack, 'Site', 'api.example.com')), secondary: REMOTE, primaryHealthCheck: endpoint(HealthCheckProfile.https({ interval: Duration.seconds(30) })),
  }), /primaryHealthCheck.profile.protocol: got HTTPS on an S3 website; allowed: HTTP: S3 website endpoints serve HTTP only/],

  // TTL
  ['a TTL above the external policy', () => ({ ttl: Duration.seconds(120) }),
    /ttl: got 120 s; allowed: whole seconds from 30 s to 60 s \(the external TTL policy\)/],
  ['a TTL below the internal policy', () => ({ ttlPolicy: TtlPolicy.INTERNAL, ttl: Duration.seconds(5) }), /ttl: got 5 s; allowed: whole seconds from 10 s to 30 s \(the internal TTL policy\)/],
  ['a custom policy whose default is outside its bounds', () => ({ ttlPolicy: TtlPolicy.custom('odd', Duration.seconds(5), Duration.seconds(10), Duration.seconds(20)) }),
    /ttlPolicy: got min 10 s, default 5 s, max 20 s; allowed: min ≤ default ≤ max/],
  ['a custom policy beyond Route 53\'s TTL range', () => ({ ttlPolicy: TtlPolicy.custom('huge', Duration.seconds(60), Duration.seconds(60), Duration.seconds(2147483648)) }),
    /ttlPolicy\.maxTtl: got 2147483648 s; allowed: whole seconds from 0 to 2147483647/],

  // names and targets
  ['a name outside the zone', () => ({ recordName: 'api.example.org.' }), /recordName: got "api.example.org."; allowed: a name in the zone example.com/],
  ['a CNAME at the zone apex', () => ({ recordName: 'example.com', primary: FailoverTarget.hostname('a.example.net'), secondary: FailoverTarget.hostname('b.example.net') }),
    /recordName: got "example.com"; allowed: a name below the zone apex for host-name targets \(a CNAME cannot be at the apex\)/],
  ['targets of two record types', () => ({ secondary: FailoverTarget.hostname('b.example.net') }),
    /secondary: got a CNAME record while the primary is a A record; allowed: targets of one record type/],
  ['an IPv4 primary with an IPv6 secondary', () => ({ secondary: FailoverTarget.ipAddress('2001:db8::1') }), /secondary: got a AAAA record while the primary is a A record/],
  ['an address that is not one', () => ({ primary: FailoverTarget.ipAddress('192.0.2.300') }), /primary: got "192.0.2.300"; allowed: an IPv4 or IPv6 address/],
  ['a maintenance bucket not named like the record', ({ stack }) => ({
    secondary: FailoverTarget.s3Website(new s3.Bucket(stack, 'Page', { bucketName: 'maintenance-page', websiteIndexDocument: 'index.html' })), primary: REMOTE, primaryHealthCheck: undefined,
  }), /secondary: got bucket "maintenance-page"; allowed: a bucket named "api.example.com": Route 53 serves an S3 website only from the bucket named like the record/],

  ['an imported maintenance bucket not named like the record', ({ stack }) => ({
    secondary: FailoverTarget.s3Website(s3.Bucket.fromBucketName(stack, 'Imported', 'www.example.com')), primary: REMOTE, primaryHealthCheck: undefined,
  }), /secondary: got bucket "www.example.com"; allowed: a bucket named "api.example.com"/],

  // calculated and alarm checks
  ['a calculated check without children', () => ({ primaryHealthCheck: DnsHealthCheck.calculated({ children: [], healthThreshold: 0, detectionTime: Duration.seconds(30) }) }),
    /primaryHealthCheck\.children: got 0; allowed: 1 to 256 child health checks/],
  ['a health threshold above the children', ({ stack }) => ({
    primaryHealthCheck: DnsHealthCheck.calculated({ children: [new route53.HealthCheck(stack, 'C', { type: route53.HealthCheckType.TCP, fqdn: 'a.example.net', port: 1 })], healthThreshold: 2, detectionTime: Duration.seconds(30) }),
  }), /primaryHealthCheck\.healthThreshold: got 2; allowed: an integer from 0 to the number of children \(1\)/],
  ['an alarm on metric math', ({ stack }) => ({
    primaryHealthCheck: DnsHealthCheck.alarm({
      detectionTime: Duration.minutes(2),
      alarm: new cloudwatch.MathExpression({ expression: 'a + b', usingMetrics: { a: new cloudwatch.Metric({ namespace: 'N', metricName: 'A' }), b: new cloudwatch.Metric({ namespace: 'N', metricName: 'B' }) } })
        .createAlarm(stack, 'Math', { threshold: 1, evaluationPeriods: 1 }),
    }),
  }), /primaryHealthCheck\.alarm: got an alarm on metric math or a labelled metric; allowed: an alarm on one metric with period ≥ 60 s and statistic Average, Minimum, Maximum, Sum or SampleCount/],
  ['an alarm on a percentile', ({ stack }) => ({
    primaryHealthCheck: DnsHealthCheck.alarm({ detectionTime: Duration.minutes(2), alarm: new cloudwatch.Metric({ namespace: 'N', metricName: 'Latency', statistic: 'p99' }).createAlarm(stack, 'P99', { threshold: 1, evaluationPeriods: 1 }) }),
  }), /primaryHealthCheck\.alarm: got statistic p99; allowed: an alarm on one metric/],
  ['an alarm on a high-resolution metric', ({ stack }) => ({
    primaryHealthCheck: DnsHealthCheck.alarm({ detectionTime: Duration.minutes(2), alarm: new cloudwatch.Metric({ namespace: 'N', metricName: 'Fast', period: Duration.seconds(10) }).createAlarm(stack, 'Fast', { threshold: 1, evaluationPeriods: 1 }) }),
  }), /primaryHealthCheck\.alarm: got period 10 s; allowed: an alarm on one metric/],

  // Route 53 name format: labels of 63, names of 255, printable ASCII without spaces
  ['a label of 64 characters', () => ({ recordName: 'a'.repeat(64) }),
    /recordName: got "a{64}.example.com", with a label of 64 characters; allowed: a domain name of at most 255 characters in labels of at most 63, printable ASCII without spaces/],
  ['a name of 256 characters', () => ({ recordName: `${LABEL63}.${LABEL63}.${LABEL63}.${'d'.repeat(52)}` }), /recordName: got ".*" \(256 characters\); allowed: a domain name of at most 255 characters/],
  ['a name with a space', () => ({ recordName: 'my api' }), /recordName: got "my api.example.com", with the character " "; allowed: a domain name/],
  ['a name with an unescaped non-ASCII character', () => ({ recordName: 'café' }), /recordName: got "café.example.com", with the character "é"; allowed: .*internationalized names in Punycode/],
  ['an empty label', () => ({ recordName: 'a..b' }), /recordName: got "a..b.example.com", with an empty label/],

  // uniqueness and naming
  ['an alarm prefix of 201 characters', () => ({ alarmNamePrefix: 'p'.repeat(201) }), /alarmNamePrefix: got "p{201}"; allowed: 1 to 200 characters/],
  ['an alarms name prefix of 201 characters', () => ({ alarms: { namePrefix: 'p'.repeat(201) } }), /alarms\.namePrefix: got "p{201}"; allowed: 1 to 200 characters/],
  ['an alarms name prefix of 201 characters with alarms disabled', () => ({ alarms: { enabled: false, namePrefix: 'p'.repeat(201) } }), /alarms\.namePrefix: got "p{201}"; allowed: 1 to 200 characters/],
  ['both alarm name prefixes', () => ({ alarmNamePrefix: 'a', alarms: { namePrefix: 'b' } }), /alarmNamePrefix: got "a"; allowed: no value beside alarms\.namePrefix \("b"\): alarmNamePrefix is its deprecated name/],
  ['more alarming data points than the default one period', () => ({ alarms: { datapointsToAlarm: 2 } }), /alarms\.datapointsToAlarm: got 2; allowed: an integer from 1 to evaluationPeriods \(1\)/],
  ['more evaluation periods than CloudWatch allows', () => ({ alarms: { evaluationPeriods: 1441 } }), /alarms\.evaluationPeriods: got 1441; allowed: an integer from 1 to 1440/],
  // A failover target that can take the traffic: not the primary itself.
  ['the primary\'s address as the secondary', () => ({ secondary: IP }),
    /secondary: got the primary's own target \(.*\); allowed: another target: failing over to the primary itself moves no traffic/],
  ['the primary load balancer, given again as an ELB', ({ lb }) => {
    const one = lb();
    return { primary: FailoverTarget.loadBalancer(one), secondary: FailoverTarget.elb(one.loadBalancer), primaryHealthCheck: DnsHealthCheck.targetHealthOnly() };
  }, /secondary: got the primary's own target \(Dns\/Lb0\/LoadBalancer\)/],
  ['the same remote load balancer, spelled with a final dot', () => ({
    primary: FailoverTarget.remoteLoadBalancer('shop-1.eu-central-1.elb.amazonaws.com', 'Z215JYRZR1TBD5'),
    secondary: FailoverTarget.remoteLoadBalancer('Shop-1.eu-central-1.elb.amazonaws.com.', 'Z215JYRZR1TBD5'), primaryHealthCheck: DnsHealthCheck.targetHealthOnly(),
  }), /secondary: got the primary's own target \(Shop-1\.eu-central-1\.elb\.amazonaws\.com\.\)/],
  // A remote load balancer: the DNS name ELB gave it, in a region AWS has, with a zone id.
  ['a CloudFront name as a remote load balancer', () => ({ secondary: FailoverTarget.remoteLoadBalancer('d111111abcdef8.cloudfront.net', 'Z2FDTNDATAQYW2') }),
    /secondary: got a remote load balancer named "d111111abcdef8.cloudfront.net"; allowed: the DNS name ELB gave the load balancer/],
  ['a remote load balancer in a region that does not exist', () => ({ secondary: FailoverTarget.remoteLoadBalancer('standby-1.eu-central-9.elb.amazonaws.com', 'Z215JYRZR1TBD5') }),
    /secondary: got a remote load balancer in "eu-central-9"; allowed: a region AWS has/],
  ['a remote load balancer with a zone id that is not one', () => ({ secondary: FailoverTarget.remoteLoadBalancer('standby-1.eu-central-1.elb.amazonaws.com', 'eu-central-1') }),
    /secondary: got a canonical hosted zone id of "eu-central-1"; allowed: the load balancer's canonical hosted zone id: Z and up to 31 capital letters and digits/],
];

describe('remote load balancers by the names ELB gives them synthesize', () => {
  test.each([
    ['an Application Load Balancer', 'shop-standby-1234567890.eu-central-1.elb.amazonaws.com', 'Z215JYRZR1TBD5'],
    ['its dual-stack name, fully qualified', 'dualstack.shop-standby-1234567890.eu-central-1.elb.amazonaws.com.', 'Z215JYRZR1TBD5'],
    ['a Network Load Balancer', 'ledger-standby-0123456789abcdef.elb.eu-central-1.amazonaws.com', 'Z3F0SRJ5LGBH90'],
    ['one in China', 'shop-standby-1234567890.cn-north-1.elb.amazonaws.com.cn', 'Z1GDH35T77C1KE'],
  ])('%s', (_name, dnsName, zoneId) => {
    const ctx = context();
    attempt(() => ({ secondary: FailoverTarget.remoteLoadBalancer(dnsName, zoneId), secondaryHealthCheck: DnsHealthCheck.targetHealthOnly() }), ctx);
    expect(checkTemplateAgainstSpec('dns', Template.fromStack(ctx.stack).toJSON())).toEqual([]);
  });
});

describe('names at Route 53\'s bounds synthesize', () => {
  test.each([
    ['labels of 63 characters in a name of 255', `${LABEL63}.${LABEL63}.${LABEL63}.${'d'.repeat(51)}`],
    ['a fully qualified name of 255 characters and its final dot', `${LABEL63}.${LABEL63}.${LABEL63}.${'d'.repeat(51)}.example.com.`],
    ['octal escapes, one byte each', `${'\\052'.repeat(63)}.b`],
    ['a wildcard', '*'],
    ['a DNS-SD name', '_http._tcp'],
  ])('%s', (_name, recordName) => {
    const ctx = context();
    const failover = attempt(() => ({ recordName }), ctx);
    expect(failover.recordName.replace(/\.$/, '').replace(/\\\d{3}/g, 'x').length).toBeLessThanOrEqual(255);
    expect(checkTemplateAgainstSpec('dns', Template.fromStack(ctx.stack).toJSON())).toEqual([]);
  });
});

describe('Route 53 health-check settings at their bounds synthesize', () => {
  test.each([
    ['a 10 s interval, threshold 1, a path of 255 characters', http30({ interval: Duration.seconds(10), timeout: Duration.seconds(5), unhealthyThreshold: 1, path: `/${'p'.repeat(254)}` })],
    ['a 30 s interval, threshold 10, port 65535', http30({ unhealthyThreshold: 10, port: 65535 })],
  ])('%s', (_name, profile) => {
    const ctx = context();
    attempt(() => ({ primaryHealthCheck: endpoint(profile) }), ctx);
    expect(checkTemplateAgainstSpec('dns', Template.fromStack(ctx.stack).toJSON())).toEqual([]);
  });
});

describe('alarm settings at CloudWatch\'s bounds synthesize', () => {
  test.each([
    ['a name prefix of 200 characters', { namePrefix: 'p'.repeat(200) }],
    ['1440 periods, all of them alarming', { evaluationPeriods: 1440, datapointsToAlarm: 1440 }],
    ['one period', { evaluationPeriods: 1, datapointsToAlarm: 1 }],
  ])('%s', (_name, alarms) => {
    const ctx = context();
    const failover = attempt(() => ({ alarms }), ctx);
    expect(failover.primaryUnhealthyAlarm).toBeDefined();
    expect(checkTemplateAgainstSpec('dns', Template.fromStack(ctx.stack).toJSON())).toEqual([]);
  });
});

describe('DnsFailover rejects at synth', () => {
  test.each(rejected)('%s', (_name, overrides, message) => {
    expect(() => attempt(overrides)).toThrow(HaValidationError);
    expect(() => attempt(overrides)).toThrow(message);
  });

  test('two failover pairs for the same name and type', () => {
    const ctx = context();
    attempt(() => ({}), ctx);
    const again = () => new DnsFailover(ctx.stack, 'Again', { zone: ctx.zone, recordName: 'api.example.com', primary: IP, secondary: IP2, primaryHealthCheck: endpoint(http30()) });
    expect(again).toThrow(/Invalid props for Dns\/Again:\n {2}recordName: got api.example.com \(A\), already a failover pair at Dns\/Api; allowed: one failover pair per name and record type in a zone/);
    expect(() => new DnsFailover(ctx.stack, 'Other', { zone: ctx.zone, recordName: 'www', primary: IP, secondary: IP2, primaryHealthCheck: endpoint(http30()) })).not.toThrow();
  });

  test('host-count alarms on a load balancer in another region', () => {
    const app = testApp();
    const lbStack = new Stack(app, 'Lb', { env: { region: 'eu-west-1' } });
    const vpc = new ec2.Vpc(lbStack, 'Vpc', { maxAzs: 2, natGateways: 1 });
    const lb = new HaLoadBalancer(lbStack, 'Lb', { vpc, targetGroups: [{ name: 'Web', port: 80 }], defaultTargetGroup: 'Web' });
    const stack = new Stack(app, 'Dns', { env: { region: 'us-east-1' }, crossRegionReferences: true });
    const zone = new route53.PrivateHostedZone(stack, 'Zone', { zoneName: 'corp.internal', vpc: ec2.Vpc.fromVpcAttributes(stack, 'Peer', { vpcId: 'vpc-0123456789abcdef0', availabilityZones: ['us-east-1a'] }) });
    expect(() => new DnsFailover(stack, 'Svc', { zone, recordName: 'svc', primary: FailoverTarget.loadBalancer(lb), secondary: REMOTE }))
      .toThrow(/primaryHealthCheck: got alarms on a load balancer in eu-west-1 from a stack in us-east-1; allowed: a DnsFailover in the load balancer's region/);
  });
});

describe('the failover budget', () => {
  test('a budget the configuration misses prints the breakdown and the cheapest change', () => {
    const ctx = context();
    const create = () => attempt(() => ({ primary: FailoverTarget.loadBalancer(ctx.lb()), secondary: REMOTE, primaryHealthCheck: undefined, failoverBudget: Duration.minutes(3) }), ctx);
    expect(create).toThrow([
      'Invalid props for Dns/Api:',
      '  failoverBudget: got 180 s; allowed: at least 216 s for this configuration:',
      '    detection: 96 s (Route 53 HTTP health check: 30 s interval × 3 failures + 6 s checker timeout) [configured: checker timeouts: Route 53 Developer Guide, "How Amazon Route 53 determines whether a health check is healthy"]',
      '    propagation: 60 s (Route 53 name servers answer with the secondary, documented as within 60 s) [AWS typical: Route 53 Developer Guide, "Editing records": "generally propagate ... within 60 seconds"]',
      '    ttl: 60 s (resolvers keep the cached primary answer: alias records carry the target\'s fixed 60 s TTL) [configured]',
      '    total: 216 s',
      '    cheapest change that meets it: lower the Route 53 failure threshold from 3 to 1 (free; one failed probe weighs more), for a total of 156 s',
    ].join('\n'));
  });

  test('a budget no configuration can meet says how fast it can get', () => {
    expect(() => attempt(() => ({ failoverBudget: Duration.seconds(60) })))
      .toThrow(/failoverBudget: got 60 s; allowed: at least 216 s for this configuration:[\s\S]*no change within AWS's limits meets it: the fastest this configuration can fail over is 106 s/);
  });

  test('a budget that is met passes, and so does an unresolved one', () => {
    expect(attempt(() => ({ failoverBudget: Duration.seconds(216) })).worstCaseFailoverTime.toSeconds()).toBe(216);
    expect(() => attempt(() => ({ failoverBudget: Duration.seconds(Token.asNumber({ Ref: 'Budget' })) }))).not.toThrow();
  });
});
