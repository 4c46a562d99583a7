import { Duration, Stack, Token } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { HaLoadBalancer, HaLoadBalancerProps, HealthCheckProfile, LoadBalancerType, LoadBalancingAlgorithm, Stickiness } from '../../lib';
import { HaValidationError } from '../../lib/core/errors';
import { stackWithVpc, testApp } from '../support/stacks';

const CERT = elbv2.ListenerCertificate.fromArn('arn:aws:acm:eu-west-1:111111111111:certificate/abc');
const NLB = LoadBalancerType.NETWORK;

type Overrides = (ctx: { stack: Stack; vpc: ec2.Vpc }) => Partial<HaLoadBalancerProps>;

function attempt(overrides: Overrides): void {
  const { stack, vpc } = stackWithVpc();
  const extra = overrides({ stack, vpc });
  const isNlb = extra.loadBalancerType === NLB;
  new HaLoadBalancer(stack, 'Lb', {
    vpc,
    targetGroups: [{ name: 'App', port: 8080 }],
    defaultTargetGroup: isNlb ? undefined : 'App',
    ...extra,
  });
}

const routed = (routes: HaLoadBalancerProps['routes'], extra: Partial<HaLoadBalancerProps> = {}): Partial<HaLoadBalancerProps> => ({
  targetGroups: [{ name: 'App', port: 8080 }, { name: 'Beta', port: 8081 }],
  defaultTargetGroup: 'App',
  routes: [...(routes ?? []), { priority: 49999, pathPatterns: ['/beta/*'], targetGroup: 'Beta' }],
  ...extra,
});
const group = (options: object, extra: Partial<HaLoadBalancerProps> = {}): Partial<HaLoadBalancerProps> => ({
  targetGroups: [{ name: 'App', port: 8080, ...options }],
  ...extra,
});
const lambdaGroup = (options: object): Partial<HaLoadBalancerProps> => ({ targetGroups: [{ name: 'Fn', targetType: elbv2.TargetType.LAMBDA, ...options }], defaultTargetGroup: 'Fn' });
const nlbGroup = (options: object, extra: Partial<HaLoadBalancerProps> = {}) => group(options, { loadBalancerType: NLB, ...extra });

/** [what, props, the message line: prop, value and what is allowed] */
const rejected: Array<[string, Overrides, RegExp]> = [
  // placement
  ['subnets in one zone', ({ vpc }) => ({ vpcSubnets: { subnets: [vpc.privateSubnets[0]] } }),
    /vpcSubnets: got subnets in 1 Availability Zone\(s\); allowed: subnets in at least two Availability Zones/],
  ['subnets the VPC does not have', () => ({ vpcSubnets: { subnetGroupName: 'Data' } }),
    /vpcSubnets: got \{"subnetGroupName":"Data"\}; allowed: subnets that exist in the VPC \(.*Data.*\)/],

  // the internet edge
  ['an internet-facing ALB in private subnets', () => ({ internetFacing: true, allowPlaintext: true, vpcSubnets: { subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS } }),
    /vpcSubnets: got 2 private subnet\(s\) for an internet-facing load balancer; allowed: public subnets, with a route to an internet gateway: from others the load balancer cannot be reached from the internet/],
  ['an internet-facing NLB with one public and one private subnet', ({ vpc }) => nlbGroup({}, { internetFacing: true, vpcSubnets: { subnets: [vpc.publicSubnets[0], vpc.privateSubnets[1]] } }),
    /vpcSubnets: got 1 private subnet\(s\) for an internet-facing load balancer/],
  ['an internet-facing ALB without certificates or the plaintext opt-in', () => ({ internetFacing: true }),
    /certificates: got none on an internet-facing Application Load Balancer; allowed: certificates, to serve HTTPS; or allowPlaintext: true, to serve plain HTTP to the internet on purpose/],
  ['the plaintext opt-in with certificates', () => ({ internetFacing: true, allowPlaintext: true, certificates: [elbv2.ListenerCertificate.fromArn('arn:aws:acm:eu-west-1:111111111111:certificate/x')] }),
    /allowPlaintext: got true with certificates; allowed: only without certificates: with them the load balancer serves HTTPS/],
  ['a CloudFront web ACL on an ALB', () => ({ webAclArn: 'arn:aws:wafv2:us-east-1:111111111111:global/webacl/shop/abc' }),
    /webAclArn: got "arn:aws:wafv2:us-east-1:111111111111:global\/webacl\/shop\/abc"; allowed: the ARN of a regional AWS WAF web ACL .*: a CloudFront \(global\) web ACL cannot protect a load balancer/],
  ['a web ACL of another region', () => ({ webAclArn: 'arn:aws:wafv2:us-east-1:111111111111:regional/webacl/shop/abc' }),
    /webAclArn: got a web ACL in us-east-1 for a load balancer in eu-west-1; allowed: a web ACL of the load balancer's own region/],
  ['an IP set\'s ARN as a web ACL', () => ({ webAclArn: 'arn:aws:wafv2:eu-west-1:111111111111:regional/ipset/office/abc' }), /webAclArn: got .*regional\/ipset\/office\/abc"; allowed: the ARN of a regional AWS WAF web ACL/],
  ['a web ACL on a Network Load Balancer', () => nlbGroup({}, { webAclArn: 'arn:aws:wafv2:eu-west-1:111111111111:regional/webacl/shop/abc' }),
    /webAclArn: got "arn:aws:wafv2:eu-west-1:111111111111:regional\/webacl\/shop\/abc"; allowed: unset on a Network Load Balancer: this is an Application Load Balancer setting/],

  // target groups
  ['no target groups', () => ({ targetGroups: [], defaultTargetGroup: undefined }), /targetGroups: got \[\]; allowed: at least one target group/],
  ['a duplicate group name', () => ({ targetGroups: [{ name: 'App', port: 1 }, { name: 'App', port: 2 }] }),
    /targetGroups\[1\]\.name: got "App"; allowed: a name not used by another target group/],
  ['a group name with a dash', () => group({ name: 'my-app' }, { defaultTargetGroup: 'my-app' }),
    /targetGroups\[0\]\.name: got "my-app"; allowed: a letter, then letters and digits, at most 32 characters/],
  ['a group name of 33 characters', () => group({ name: 'A'.repeat(33) }, { defaultTargetGroup: 'A'.repeat(33) }), /targetGroups\[0\]\.name: got "A{33}"; allowed: a letter/],
  ['port 0', () => group({ port: 0 }), /targetGroups\[0\]\.port: got 0; allowed: an integer from 1 to 65535/],
  ['a TCP group on an ALB', () => group({ protocol: elbv2.Protocol.TCP }), /targetGroups\[0\]\.protocol: got "TCP"; allowed: one of HTTP, HTTPS/],
  ['an HTTP group on an NLB', () => nlbGroup({ protocol: elbv2.Protocol.HTTP }), /targetGroups\[0\]\.protocol: got "HTTP"; allowed: one of TCP, TLS, UDP, TCP_UDP/],
  ['a health check out of range, named under its group', () => group({ healthCheck: HealthCheckProfile.http({ unhealthyThreshold: 11 }) }),
    /targetGroups\[0\]\.healthCheck\.unhealthyThreshold: got 11; allowed: an integer from 2 to 10/],
  ['a TCP health check on an ALB', () => group({ healthCheck: HealthCheckProfile.tcp() }),
    /targetGroups\[0\]\.healthCheck\.protocol: got TCP; allowed: HTTP or HTTPS on an Application Load Balancer/],
  ['draining for more than an hour', () => group({ deregistrationDelay: Duration.seconds(3601) }),
    /targetGroups\[0\]\.deregistrationDelay: got 3601 s; allowed: whole seconds from 0 to 3600/],
  ['a listener port on an ALB group', () => group({ listenerPort: 8443 }),
    /targetGroups\[0\]\.listenerPort: got 8443; allowed: unset on an Application Load Balancer: its groups share the listener; route to them with `routes`/],
  ['a listener port above 65535 on an NLB', () => nlbGroup({ listenerPort: 70000 }), /targetGroups\[0\]\.listenerPort: got 70000; allowed: an integer from 1 to 65535/],
  ['two NLB groups on one listener port', () => ({ loadBalancerType: NLB, targetGroups: [{ name: 'A', port: 80 }, { name: 'B', port: 8080, listenerPort: 80 }] }),
    /targetGroups\[1\]\.listenerPort: got 80; allowed: a listener port not used by targetGroups\[0\]/],
  ['a TLS group without certificates', () => nlbGroup({ protocol: elbv2.Protocol.TLS }),
    /targetGroups\[0\]\.protocol: got TLS without certificates; allowed: TLS only with certificates/],

  // algorithms and stickiness
  ['an algorithm on an NLB', () => nlbGroup({ algorithm: LoadBalancingAlgorithm.LEAST_OUTSTANDING_REQUESTS }),
    /targetGroups\[0\]\.algorithm: got least_outstanding_requests; allowed: unset on a Network Load Balancer: it hashes each flow to a target; use Stickiness.sourceIp\(\) for affinity/],
  ['slow start on an NLB', () => nlbGroup({ slowStart: Duration.seconds(60) }),
    /targetGroups\[0\]\.slowStart: got 60 s; allowed: unset on a Network Load Balancer: slow start is an Application Load Balancer feature/],
  ['anomaly mitigation with round robin', () => group({ algorithm: LoadBalancingAlgorithm.ROUND_ROBIN, anomalyMitigation: true }),
    /targetGroups\[0\]\.anomalyMitigation: got true with algorithm round_robin; allowed: anomaly mitigation only with LoadBalancingAlgorithm.WEIGHTED_RANDOM/],
  ['anomaly mitigation with the default algorithm', () => group({ anomalyMitigation: true }),
    /targetGroups\[0\]\.anomalyMitigation: got true with algorithm round_robin \(default\)/],
  ['slow start under 30 s', () => group({ slowStart: Duration.seconds(29) }), /targetGroups\[0\]\.slowStart: got 29 s; allowed: whole seconds from 30 to 900/],
  ['slow start over 900 s', () => group({ slowStart: Duration.seconds(901) }), /targetGroups\[0\]\.slowStart: got 901 s; allowed: whole seconds from 30 to 900/],
  ['slow start with weighted random', () => group({ algorithm: LoadBalancingAlgorithm.WEIGHTED_RANDOM, slowStart: Duration.seconds(60) }),
    /targetGroups\[0\]\.slowStart: got 60 s with algorithm weighted_random; allowed: no slow start with the weighted random algorithm/],
  ['cookie stickiness on an NLB', () => nlbGroup({ stickiness: Stickiness.loadBalancerCookie() }),
    /targetGroups\[0\]\.stickiness\.type: got lb_cookie; allowed: Stickiness.sourceIp\(\) on a Network Load Balancer/],
  ['source-IP stickiness on an ALB', () => group({ stickiness: Stickiness.sourceIp() }),
    /targetGroups\[0\]\.stickiness\.type: got source_ip; allowed: Stickiness.loadBalancerCookie\(\) or Stickiness.applicationCookie\(\) on an Application Load Balancer/],
  ['source-IP stickiness on a TLS group', () => nlbGroup({ protocol: elbv2.Protocol.TLS, stickiness: Stickiness.sourceIp() }, { certificates: [CERT] }),
    /targetGroups\[0\]\.stickiness\.type: got source_ip on a TLS target group; allowed: no stickiness on TLS target groups/],
  ['a cookie lasting 0 s', () => group({ stickiness: Stickiness.loadBalancerCookie(Duration.seconds(0)) }),
    /targetGroups\[0\]\.stickiness\.duration: got 0 s; allowed: whole seconds from 1 second to 7 days/],
  ['a cookie lasting 8 days', () => group({ stickiness: Stickiness.applicationCookie('SID', Duration.days(8)) }),
    /targetGroups\[0\]\.stickiness\.duration: got 691200 s; allowed: whole seconds from 1 second to 7 days/],
  ['a reserved cookie name', () => group({ stickiness: Stickiness.applicationCookie('AWSALBAPP-1') }),
    /targetGroups\[0\]\.stickiness\.cookieName: got "AWSALBAPP-1"; allowed: a non-empty name not starting with AWSALB, AWSALBAPP, AWSALBTG/],
  ['an empty cookie name', () => group({ stickiness: Stickiness.applicationCookie('') }), /targetGroups\[0\]\.stickiness\.cookieName: got ""; allowed: a non-empty name/],

  // listeners
  ['an SSL policy without certificates', () => ({ sslPolicy: elbv2.SslPolicy.TLS13_13 }),
    /sslPolicy: got ELBSecurityPolicy-TLS13-1-3-2021-06; allowed: only with certificates/],
  ['listener port 0', () => ({ listenerPort: 0 }), /listenerPort: got 0; allowed: an integer from 1 to 65535/],
  ['a redirect without certificates', () => ({ redirectHttpToHttps: true }),
    /redirectHttpToHttps: got true without certificates; allowed: only with certificates \(there is no HTTPS listener to redirect to\)/],
  ['HTTPS on port 80 while port 80 redirects', () => ({ certificates: [CERT], listenerPort: 80 }),
    /listenerPort: got 80 with the HTTP-to-HTTPS redirect; allowed: a port other than 80, or redirectHttpToHttps: false/],
  ['cross-zone off on an ALB', () => ({ crossZoneEnabled: false }),
    /crossZoneEnabled: got false; allowed: true or unset on an Application Load Balancer \(always cross-zone\); set targetGroups\[i\]\.crossZoneEnabled instead/],
  ...(['routes', 'defaultTargetGroup', 'defaultResponse', 'listenerPort', 'redirectHttpToHttps', 'dropInvalidHeaderFields', 'desyncMitigationMode'] as const)
    .map((prop): [string, Overrides, RegExp] => {
      const values: Record<string, unknown> = {
        routes: [], defaultTargetGroup: 'App', defaultResponse: { statusCode: 404 }, listenerPort: 80, redirectHttpToHttps: true,
        dropInvalidHeaderFields: true, desyncMitigationMode: elbv2.DesyncMitigationMode.STRICTEST,
      };
      return [`${prop} on an NLB`, () => ({ loadBalancerType: NLB, [prop]: values[prop] }),
        new RegExp(`^  ${prop}: got .+; allowed: unset on a Network Load Balancer: this is an Application Load Balancer setting$`, 'm')];
    }),

  // default action
  ['an unknown default target group', () => ({ defaultTargetGroup: 'Nope' }), /defaultTargetGroup: got "Nope"; allowed: the name of a target group: App/],
  ['both a default group and a default response', () => ({ defaultResponse: { statusCode: 404 } }),
    /defaultResponse: got set together with defaultTargetGroup; allowed: one default: defaultTargetGroup or defaultResponse/],
  ['a 302 fixed response', () => routed([], { defaultTargetGroup: undefined, defaultResponse: { statusCode: 302 }, routes: [{ priority: 1, pathPatterns: ['/*'], targetGroup: 'App' }], targetGroups: [{ name: 'App', port: 1 }] }),
    /defaultResponse\.statusCode: got 302; allowed: an HTTP status from 200-299, 400-499 or 500-599/],
  ['a fixed response content type ELB does not serve', () => ({ defaultTargetGroup: undefined, defaultResponse: { statusCode: 200, contentType: 'image/png' }, routes: [{ priority: 1, pathPatterns: ['/*'], targetGroup: 'App' }] }),
    /defaultResponse\.contentType: got "image\/png"; allowed: one of text\/plain, text\/css, text\/html, application\/javascript, application\/json/],
  ['a fixed response body over 1024 characters', () => ({ defaultTargetGroup: undefined, defaultResponse: { statusCode: 503, messageBody: 'x'.repeat(1025) }, routes: [{ priority: 1, pathPatterns: ['/*'], targetGroup: 'App' }] }),
    /defaultResponse\.messageBody: got 1025 characters; allowed: at most 1024 characters/],
  ['a group nothing routes to', () => ({ targetGroups: [{ name: 'App', port: 1 }, { name: 'Orphan', port: 2 }] }),
    /targetGroups\[1\]: got "Orphan", which nothing routes to; allowed: a group named by defaultTargetGroup or by a route/],

  // routes
  ['priority 0', () => routed([{ priority: 0, pathPatterns: ['/a'], targetGroup: 'App' }]), /routes\[0\]\.priority: got 0; allowed: an integer from 1 to 50000/],
  ['priority 50001', () => routed([{ priority: 50001, pathPatterns: ['/a'], targetGroup: 'App' }]), /routes\[0\]\.priority: got 50001; allowed: an integer from 1 to 50000/],
  ['a priority used twice', () => routed([{ priority: 7, pathPatterns: ['/a'], targetGroup: 'App' }, { priority: 7, pathPatterns: ['/b'], targetGroup: 'App' }]),
    /routes\[1\]\.priority: got 7; allowed: a priority not already used \(routes\[0\] has it\)/],
  ['a rule without conditions', () => routed([{ priority: 1, targetGroup: 'App' }]),
    /routes\[0\]: got no pathPatterns and no hostHeaders; allowed: at least one path pattern or host header/],
  ['six condition values', () => routed([{ priority: 1, pathPatterns: ['/a', '/b', '/c'], hostHeaders: ['a.example.com', 'b.example.com', 'c.example.com'], targetGroup: 'App' }]),
    /routes\[0\]: got 6 condition values; allowed: at most 5 path patterns and host headers together per rule/],
  ['four path patterns in one condition', () => routed([{ priority: 1, pathPatterns: ['/a', '/b', '/c', '/d'], targetGroup: 'App' }]),
    /routes\[0\]\.pathPatterns: got 4 values; allowed: at most 3 values per condition/],
  ['six wildcards in one rule', () => routed([{ priority: 1, pathPatterns: ['/a/*/*', '/b/*?'], hostHeaders: ['*.example.com', '?.example.com'], targetGroup: 'App' }]),
    /routes\[0\]: got 6 wildcards; allowed: at most 5 wildcards \(\* and \?\) per rule/],
  ['a path with a space', () => routed([{ priority: 1, pathPatterns: ['/my path'], targetGroup: 'App' }]),
    /routes\[0\]\.pathPatterns\[0\]: got "\/my path"; allowed: 1 to 128 of A-Z a-z 0-9/],
  ['a path of 129 characters', () => routed([{ priority: 1, pathPatterns: ['/' + 'p'.repeat(128)], targetGroup: 'App' }]), /routes\[0\]\.pathPatterns\[0\]: got "\/p+"; allowed: 1 to 128/],
  ['a host with an underscore', () => routed([{ priority: 1, hostHeaders: ['my_host.example.com'], targetGroup: 'App' }]),
    /routes\[0\]\.hostHeaders\[0\]: got "my_host.example.com"; allowed: a host name of at most 128 of A-Z a-z 0-9 - \. \* \?, with at least one "\."/],
  ['a host without a dot', () => routed([{ priority: 1, hostHeaders: ['localhost'], targetGroup: 'App' }]), /routes\[0\]\.hostHeaders\[0\]: got "localhost"/],
  ['a rule with no action', () => routed([{ priority: 1, pathPatterns: ['/a'] }]),
    /routes\[0\]: got neither targetGroup nor weightedTargetGroups; allowed: exactly one of targetGroup or weightedTargetGroups/],
  ['a rule with two actions', () => routed([{ priority: 1, pathPatterns: ['/a'], targetGroup: 'App', weightedTargetGroups: [{ targetGroup: 'App', weight: 1 }] }]),
    /routes\[0\]: got both targetGroup and weightedTargetGroups; allowed: exactly one of/],
  ['an unknown target group', () => routed([{ priority: 1, pathPatterns: ['/a'], targetGroup: 'Gamma' }]),
    /routes\[0\]\.targetGroup: got "Gamma"; allowed: the name of a target group: App, Beta/],
  ['group stickiness on a plain forward', () => routed([{ priority: 1, pathPatterns: ['/a'], targetGroup: 'App', groupStickiness: Duration.minutes(1) }]),
    /routes\[0\]\.groupStickiness: got 60 s without weightedTargetGroups; allowed: group stickiness only on a weighted forward/],
  ['group stickiness of 8 days', () => routed([{ priority: 1, pathPatterns: ['/a'], weightedTargetGroups: [{ targetGroup: 'App', weight: 1 }], groupStickiness: Duration.days(8) }]),
    /routes\[0\]\.groupStickiness: got 691200 s; allowed: whole seconds from 1 second to 7 days/],
  ['an empty weighted forward', () => routed([{ priority: 1, pathPatterns: ['/a'], weightedTargetGroups: [] }]), /routes\[0\]\.weightedTargetGroups: got 0 groups; allowed: 1 to 5 target groups/],
  ['six weighted groups', () => ({
    targetGroups: ['A', 'B', 'C', 'D', 'E', 'F'].map((name, i) => ({ name, port: 80 + i })),
    defaultTargetGroup: 'A',
    routes: [{ priority: 1, pathPatterns: ['/a'], weightedTargetGroups: ['A', 'B', 'C', 'D', 'E', 'F'].map((n) => ({ targetGroup: n, weight: 1 })) }],
  }), /routes\[0\]\.weightedTargetGroups: got 6 groups; allowed: 1 to 5 target groups/],
  ['every weight 0', () => routed([{ priority: 1, pathPatterns: ['/a'], weightedTargetGroups: [{ targetGroup: 'App', weight: 0 }, { targetGroup: 'Beta', weight: 0 }] }]),
    /routes\[0\]\.weightedTargetGroups: got every weight 0; allowed: at least one weight above 0/],
  ['weight 1000', () => routed([{ priority: 1, pathPatterns: ['/a'], weightedTargetGroups: [{ targetGroup: 'App', weight: 1000 }] }]),
    /routes\[0\]\.weightedTargetGroups\[0\]\.weight: got 1000; allowed: an integer from 0 to 999/],
  ['an unknown weighted group', () => routed([{ priority: 1, pathPatterns: ['/a'], weightedTargetGroups: [{ targetGroup: 'Gamma', weight: 1 }] }]),
    /routes\[0\]\.weightedTargetGroups\[0\]\.targetGroup: got "Gamma"; allowed: the name of a target group: App, Beta/],
  ['a weighted group listed twice', () => routed([{ priority: 1, pathPatterns: ['/a'], weightedTargetGroups: [{ targetGroup: 'App', weight: 1 }, { targetGroup: 'App', weight: 2 }] }]),
    /routes\[0\]\.weightedTargetGroups\[1\]\.targetGroup: got "App"; allowed: each target group once per rule/],

  // access logs
  ['a log prefix with a leading slash', () => ({ accessLogs: { prefix: '/alb' } }), /accessLogs\.prefix: got "\/alb"; allowed: a prefix without leading or trailing "\/" that does not contain "AWSLogs"/],
  ['a log prefix containing AWSLogs', () => ({ accessLogs: { prefix: 'x/AWSLogs' } }), /accessLogs\.prefix: got "x\/AWSLogs"/],
  ['retention with an existing bucket', ({ stack }) => ({ accessLogs: { bucket: new s3.Bucket(stack, 'Archive'), retention: Duration.days(30) } }),
    /accessLogs\.retention: got 30 days with an existing bucket; allowed: retention only for the bucket this construct creates/],
  ['an access-log bucket in another region', ({ stack }) => ({ accessLogs: { bucket: s3.Bucket.fromBucketAttributes(stack, 'Central', { bucketName: 'central-logs', region: 'us-east-1' }) } }),
    /accessLogs\.bucket: got a bucket in us-east-1 for a load balancer in eu-west-1; allowed: a bucket in the load balancer's region: ELB delivers access logs only within a region/],
  ['retention of 12 hours', () => ({ accessLogs: { retention: Duration.hours(12) } }), /accessLogs\.retention: got 0.5 days; allowed: whole days from 1 to 3650/],
  ['retention of 3651 days', () => ({ accessLogs: { retention: Duration.days(3651) } }), /accessLogs\.retention: got 3651 days; allowed: whole days from 1 to 3650/],
  // "Access logs are created only if the load balancer has a TLS listener" (NLB user guide).
  ['access logs on a TCP-only NLB', () => nlbGroup({}, { accessLogs: { enabled: true } }),
    /accessLogs: got access logs on a Network Load Balancer without a TLS listener; allowed: certificates \(a TLS listener\), or no accessLogs: a Network Load Balancer writes access logs only for TLS listeners, so these would stay empty/],
  ['a log bucket for an NLB whose only listener with certificates is UDP', ({ stack }) => nlbGroup({ protocol: elbv2.Protocol.UDP, port: 53 }, { certificates: [CERT], accessLogs: { bucket: new s3.Bucket(stack, 'Archive') } }),
    /accessLogs: got access logs on a Network Load Balancer without a TLS listener/],

  // alarms
  ['an empty alarm prefix', () => ({ alarms: { namePrefix: '' } }), /alarms\.namePrefix: got ""; allowed: 1 to 200 characters/],
  ['an alarm prefix of 201 characters', () => ({ alarms: { namePrefix: 'p'.repeat(201) } }), /alarms\.namePrefix: got "p{201}"; allowed: 1 to 200 characters/],
  ['an unhealthy-host threshold of 0', () => ({ alarms: { unhealthyHostThreshold: 0 } }), /alarms\.unhealthyHostThreshold: got 0; allowed: an integer of at least 1/],
  ['a 5XX rate of 0 %', () => ({ alarms: { target5xxRatePercent: 0 } }), /alarms\.target5xxRatePercent: got 0; allowed: above 0 and at most 100/],
  ['a 5XX rate of 101 %', () => ({ alarms: { target5xxRatePercent: 101 } }), /alarms\.target5xxRatePercent: got 101; allowed: above 0 and at most 100/],
  ['0 evaluation periods', () => ({ alarms: { evaluationPeriods: 0 } }), /alarms\.evaluationPeriods: got 0; allowed: an integer from 1 to 1440/],
  ['more datapoints than periods', () => ({ alarms: { evaluationPeriods: 2, datapointsToAlarm: 3 } }),
    /alarms\.datapointsToAlarm: got 3; allowed: an integer from 1 to evaluationPeriods \(2\)/],
  // Lambda targets
  ['a target group without a port', () => ({ targetGroups: [{ name: 'App' }] }),
    /targetGroups\[0\]\.port: got none; allowed: the port the targets receive traffic on, 1 to 65535 \(only Lambda targets have none\)/],
  ['Lambda targets on a Network Load Balancer', () => ({ loadBalancerType: NLB, targetGroups: [{ name: 'Fn', targetType: elbv2.TargetType.LAMBDA }] }),
    /targetGroups\[0\]\.targetType: got lambda; allowed: an Application Load Balancer: a Network Load Balancer cannot invoke Lambda functions/],
  ['a port for Lambda targets', () => lambdaGroup({ port: 443 }), /targetGroups\[0\]\.port: got 443; allowed: unset for Lambda targets: the load balancer invokes the function, there is no port/],
  ['a protocol for Lambda targets', () => lambdaGroup({ protocol: elbv2.Protocol.HTTPS }), /targetGroups\[0\]\.protocol: got HTTPS; allowed: unset for Lambda targets/],
  ['draining Lambda targets', () => lambdaGroup({ deregistrationDelay: Duration.seconds(10) }), /targetGroups\[0\]\.deregistrationDelay: got 10; allowed: unset for Lambda targets: a function has no connections to drain/],
  ['slow start for Lambda targets', () => lambdaGroup({ slowStart: Duration.seconds(60) }), /targetGroups\[0\]\.slowStart: got 60; allowed: unset for Lambda targets/],
  ['an algorithm for Lambda targets', () => lambdaGroup({ algorithm: LoadBalancingAlgorithm.LEAST_OUTSTANDING_REQUESTS }), /targetGroups\[0\]\.algorithm: got least_outstanding_requests; allowed: unset for Lambda targets: a group of Lambda targets has one function/],
  ['stickiness for Lambda targets', () => lambdaGroup({ stickiness: Stickiness.loadBalancerCookie(Duration.hours(1)) }), /targetGroups\[0\]\.stickiness: got set; allowed: unset for Lambda targets/],
  ['a TCP check of Lambda targets', () => lambdaGroup({ healthCheck: HealthCheckProfile.tcp() }), /targetGroups\[0\]\.healthCheck: got a TCP check; allowed: an HTTP\(S\) check: ELB invokes the function with the health-check request/],

];

describe('HaLoadBalancer rejects at synth', () => {
  test.each(rejected)('%s', (_name, overrides, message) => {
    expect(() => attempt(overrides)).toThrow(HaValidationError);
    expect(() => attempt(overrides)).toThrow(message);
  });

  test('the error names the construct path first and lists every rejected value', () => {
    let error: HaValidationError | undefined;
    try {
      attempt(() => ({ targetGroups: [{ name: 'App', port: 0, deregistrationDelay: Duration.hours(2) }], listenerPort: 99999 }));
    } catch (e) {
      error = e as HaValidationError;
    }
    expect(error?.constructPath).toBe('Test/Lb');
    expect(error?.message.split('\n')[0]).toBe('Invalid props for Test/Lb:');
    expect(error?.issues.map((i) => i.prop)).toEqual(['targetGroups[0].port', 'targetGroups[0].deregistrationDelay', 'listenerPort']);
  });

  test('an ALB with access logs in a stack without a region', () => {
    const stack = new Stack(testApp(), 'Agnostic');
    const vpc = new ec2.Vpc(stack, 'Vpc', { maxAzs: 2 });
    const create = () => new HaLoadBalancer(stack, 'Lb', { vpc, targetGroups: [{ name: 'App', port: 80 }], defaultTargetGroup: 'App' });
    expect(create).toThrow(/Invalid props for Agnostic\/Lb:\n {2}accessLogs: got enabled in a stack without a region; allowed: a stack with env.region set .*, or accessLogs: \{ enabled: false \}/);
  });

  test('an ALB without access logs needs no region', () => {
    const stack = new Stack(testApp(), 'Agnostic');
    const vpc = new ec2.Vpc(stack, 'Vpc', { maxAzs: 2 });
    expect(() => new HaLoadBalancer(stack, 'Lb', { vpc, targetGroups: [{ name: 'App', port: 80 }], defaultTargetGroup: 'App', accessLogs: { enabled: false } })).not.toThrow();
  });
});

describe('unresolved tokens are left to deploy time', () => {
  test('ports, priorities, weights, durations and names', () => {
    const token = (name: string) => Token.asNumber({ Ref: name });
    expect(() => attempt(() => ({
      targetGroups: [
        { name: 'App', port: token('Port'), deregistrationDelay: Duration.seconds(token('Drain')), healthCheck: HealthCheckProfile.http({ interval: Duration.seconds(token('Interval')) }) },
        { name: 'Beta', port: 81 },
      ],
      listenerPort: token('ListenerPort'),
      routes: [{ priority: token('Priority'), pathPatterns: [Token.asString({ Ref: 'Path' })], weightedTargetGroups: [{ targetGroup: 'Beta', weight: token('Weight') }] }],
      alarms: { namePrefix: Token.asString({ Ref: 'Prefix' }) },
    }))).not.toThrow();
  });
});

describe('subnets an internet-facing load balancer is reached in', () => {
  test.each<[string, Overrides]>([
    ['public subnets by type', () => nlbGroup({}, { internetFacing: true, vpcSubnets: { subnetType: ec2.SubnetType.PUBLIC } })],
    ['public subnets by the default', () => nlbGroup({}, { internetFacing: true })],
    ['subnets the VPC does not classify', ({ stack }) => nlbGroup({}, { internetFacing: true, vpcSubnets: { subnets: [
      ec2.Subnet.fromSubnetAttributes(stack, 'A', { subnetId: 'subnet-a', availabilityZone: 'eu-west-1a' }),
      ec2.Subnet.fromSubnetAttributes(stack, 'B', { subnetId: 'subnet-b', availabilityZone: 'eu-west-1b' }),
    ] } })],
    ['an internal load balancer in private subnets', () => nlbGroup({}, { vpcSubnets: { subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS } })],
  ])('%s synthesize', (_name, overrides) => {
    expect(() => attempt(overrides)).not.toThrow();
  });
});

describe('access logs where a Network Load Balancer writes them', () => {
  test.each<[string, Partial<HaLoadBalancerProps>]>([
    ['a TLS listener with logs asked for', nlbGroup({}, { certificates: [CERT], accessLogs: { enabled: true } })],
    ['a TCP-only NLB with logs switched off', nlbGroup({}, { accessLogs: { enabled: false } })],
    ['a TCP-only NLB with no word on logs', nlbGroup({})],
  ])('%s synthesizes', (_name, props) => {
    expect(() => attempt(() => props)).not.toThrow();
  });
});

describe('values at the listener-rule bounds synthesize', () => {
  test('three values per condition, five per rule, five wildcards, and an access-log bucket of the same region', () => {
    expect(() => attempt(({ stack }) => routed([{ priority: 1, pathPatterns: ['/a/*', '/b/*', '/c?'], hostHeaders: ['*.example.com', 'api?.example.com'], targetGroup: 'App' }], {
      accessLogs: { bucket: s3.Bucket.fromBucketAttributes(stack, 'Same', { bucketName: 'logs-eu', region: 'eu-west-1' }) },
    }))).not.toThrow();
  });
});
