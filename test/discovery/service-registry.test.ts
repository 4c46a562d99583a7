import { Duration, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as servicediscovery from 'aws-cdk-lib/aws-servicediscovery';
import { HealthCheckProtocol, NamespaceKind, RegistryHealthCheck, ServiceRegistry, ServiceRegistryProps, TtlPolicy } from '../../lib';
import { expectRejected } from '../support/rejected';
import { checkTemplateAgainstSpec } from '../support/resource-spec';
import { testApp } from '../support/stacks';

function build(props: (vpc: ec2.Vpc) => Partial<ServiceRegistryProps> = () => ({})) {
  const app = testApp();
  const stack = new Stack(app, 'Disc', { env: { region: 'eu-west-1', account: '111111111111' } });
  const vpc = new ec2.Vpc(stack, 'Vpc', { maxAzs: 2, natGateways: 0 });
  const registry = new ServiceRegistry(stack, 'Registry', { vpc, namespaceName: 'service.internal', services: [{ name: 'api' }], ...props(vpc) });
  return { app, stack, vpc, registry, template: () => Template.fromStack(stack) };
}

describe('ServiceRegistry', () => {
  test('a private DNS namespace with a service the monitor keeps healthy, at the internal TTL policy\'s default', () => {
    const { template } = build();
    template().hasResourceProperties('AWS::ServiceDiscovery::PrivateDnsNamespace', { Name: 'service.internal', Vpc: { Ref: Match.stringLikeRegexp('^Vpc') } });
    template().hasResourceProperties('AWS::ServiceDiscovery::Service', {
      Name: 'api',
      HealthCheckCustomConfig: { FailureThreshold: 1 },
      HealthCheckConfig: Match.absent(),
      DnsConfig: { DnsRecords: [{ Type: 'A', TTL: 10 }], RoutingPolicy: 'MULTIVALUE' },
    });
    expect(template().toJSON()).toMatchSnapshot();
  });

  test('data-tier endpoints in a CNAME service with weighted routing, and a TTL of its own within the policy', () => {
    const { template } = build(() => ({ services: [{ name: 'cache', dnsRecordType: servicediscovery.DnsRecordType.CNAME, dnsTtl: Duration.seconds(30) }] }));
    template().hasResourceProperties('AWS::ServiceDiscovery::Service', {
      Name: 'cache',
      DnsConfig: { DnsRecords: [{ Type: 'CNAME', TTL: 30 }], RoutingPolicy: 'WEIGHTED' },
    });
  });

  test('an HTTP namespace has no DNS records; a public service there may have Route 53 checks', () => {
    const { template, registry } = build(() => ({
      kind: NamespaceKind.HTTP,
      vpc: undefined,
      services: [{ name: 'api' }, { name: 'edge', healthCheck: RegistryHealthCheck.route53({ protocol: HealthCheckProtocol.HTTPS, path: '/health', failureThreshold: 3 }) }],
    }));
    template().resourceCountIs('AWS::ServiceDiscovery::HttpNamespace', 1);
    template().hasResourceProperties('AWS::ServiceDiscovery::Service', { Name: 'api', DnsConfig: Match.absent(), HealthCheckCustomConfig: { FailureThreshold: 1 } });
    template().hasResourceProperties('AWS::ServiceDiscovery::Service', { Name: 'edge', HealthCheckConfig: { Type: 'HTTPS', ResourcePath: '/health', FailureThreshold: 3 } });
    expect(registry.dnsRecordType('api')).toBeUndefined();
  });

  test('a public DNS namespace defaults to the external TTL policy', () => {
    const { template } = build(() => ({ kind: NamespaceKind.PUBLIC_DNS, vpc: undefined, namespaceName: 'example.com', services: [{ name: 'www', healthCheck: RegistryHealthCheck.route53({ protocol: HealthCheckProtocol.TCP }) }] }));
    template().hasResourceProperties('AWS::ServiceDiscovery::Service', { DnsConfig: { DnsRecords: [{ Type: 'A', TTL: 60 }] }, HealthCheckConfig: { Type: 'TCP', ResourcePath: Match.absent() } });
  });

  test('grantDiscover allows DiscoverInstances in this namespace only', () => {
    const { stack, registry, template } = build();
    const role = new iam.Role(stack, 'Caller', { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') });
    registry.grantDiscover(role);
    template().hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: {
        Statement: [{
          Action: ['servicediscovery:DiscoverInstances', 'servicediscovery:DiscoverInstancesRevision'],
          Effect: 'Allow',
          Resource: '*',
          Condition: { StringEquals: { 'servicediscovery:NamespaceName': 'service.internal' } },
        }],
      },
    });
  });

  test('metrics are the monitor\'s, under the service\'s own dimension', () => {
    const { registry, stack } = build();
    const healthy = stack.resolve(registry.metricHealthyInstances('api'));
    expect(healthy).toMatchObject({ namespace: 'CdkHaKit/HealthMonitor', metricName: 'RegistryHealthy', dimensions: { Registry: 'service.internal/api' }, statistic: 'Minimum' });
    expect(registry.metricUnhealthyInstances('api').statistic).toBe('Maximum');
    expect(registry.metricMembershipChanges('api', { period: Duration.minutes(5) }).period.toMinutes()).toBe(5);
    expect(registry.metricMembershipFailures('api').metricName).toBe('RegistryFailures');
    expect(() => registry.metricHealthyInstances('web')).toThrow('Invalid arguments for Disc/Registry:\n  serviceName: got "web"; allowed: a service of this registry: api');
  });

  test('the namespace and services keep their logical ids', () => {
    const { stack, registry } = build();
    expect(stack.getLogicalId(registry.namespace.node.defaultChild as servicediscovery.CfnPrivateDnsNamespace)).toMatch(/^RegistryNamespace[0-9A-F]{8}$/);
    expect(stack.getLogicalId(registry.service('api').node.defaultChild as servicediscovery.CfnService)).toMatch(/^RegistryServiceapi[0-9A-F]{8}$/);
  });
});

/** A namespace of 247 characters: a service name of 7 makes records of 255, of 8 records of 256. */
const LONG_NAMESPACE = `${'a'.repeat(63)}.${'a'.repeat(63)}.${'a'.repeat(63)}.${'a'.repeat(55)}`;

const rejected: Array<[string, (vpc: ec2.Vpc) => Partial<ServiceRegistryProps>, RegExp]> = [
  ['a private namespace without a VPC', () => ({ vpc: undefined }), /vpc: got undefined; allowed: a VPC: a private DNS namespace answers in one/],
  ['a VPC for an HTTP namespace', () => ({ kind: NamespaceKind.HTTP }), /vpc: got a VPC; allowed: no VPC for a HTTP namespace/],
  ['a DNS namespace name with a space', () => ({ namespaceName: 'service internal' }), /namespaceName: got "service internal"; allowed: a domain name: labels of letters, digits, "_" and "-", at most 253 characters/],
  ['no services', () => ({ services: [] }), /services: got \[\]; allowed: at least one service/],
  ['a service name that is not a DNS label', () => ({ services: [{ name: 'api.v2' }] }), /services\[0\]\.name: got "api\.v2"; allowed: a DNS label \(letters, digits, "_" and "-", at most 63 characters\), or `_service._protocol`/],
  ['a DNS-SD name without the leading underscore', () => ({ services: [{ name: 'api._tcp' }] }), /services\[0\]\.name: got "api\._tcp"; allowed: a DNS label/],
  ['two services of one name', () => ({ services: [{ name: 'api' }, { name: 'api' }] }), /services\[1\]\.name: got "api"; allowed: a name no other service of the registry has/],
  ['a TTL outside the internal policy', () => ({ services: [{ name: 'api', dnsTtl: Duration.seconds(300) }] }),
    /services\[0\]\.dnsTtl: got 300 s; allowed: whole seconds from 10 s to 30 s \(the internal TTL policy\)/],
  ['an inconsistent TTL policy', () => ({ ttlPolicy: TtlPolicy.custom('mine', Duration.seconds(5), Duration.seconds(10), Duration.seconds(20)) }),
    /ttlPolicy: got min 10 s, default 5 s, max 20 s; allowed: min ≤ default ≤ max/],
  ['DNS records in an HTTP namespace', () => ({ kind: NamespaceKind.HTTP, vpc: undefined, services: [{ name: 'api', dnsRecordType: servicediscovery.DnsRecordType.SRV }] }),
    /services\[0\]\.dnsRecordType: got SRV; allowed: none in an HTTP namespace: it has no DNS records/],
  ['a TTL in an HTTP namespace', () => ({ kind: NamespaceKind.HTTP, vpc: undefined, services: [{ name: 'api', dnsTtl: Duration.seconds(10) }] }),
    /services\[0\]\.dnsTtl: got 10 s; allowed: none in an HTTP namespace: it has no DNS records/],
  ['Route 53 checks in a private namespace', () => ({ services: [{ name: 'api', healthCheck: RegistryHealthCheck.route53() }] }),
    /services\[0\]\.healthCheck: got a Route 53 health check; allowed: custom or none in a private DNS namespace: Route 53 checks from the internet, which cannot reach it/],
  ['Route 53 checks on CNAME records', () => ({ kind: NamespaceKind.PUBLIC_DNS, vpc: undefined, namespaceName: 'example.com', services: [{ name: 'api', dnsRecordType: servicediscovery.DnsRecordType.CNAME, healthCheck: RegistryHealthCheck.route53() }] }),
    /services\[0\]\.healthCheck: got a Route 53 health check; allowed: custom or none with CNAME records: Cloud Map refuses Route 53 checks on them/],
  ['a Route 53 failure threshold of 11', () => ({ kind: NamespaceKind.HTTP, vpc: undefined, services: [{ name: 'api', healthCheck: RegistryHealthCheck.route53({ failureThreshold: 11 }) }] }),
    /services\[0\]\.healthCheck\.failureThreshold: got 11; allowed: an integer from 1 to 10/],
  ['a namespace description of 1025 characters', () => ({ description: 'd'.repeat(1025) }), /description: got 1025 characters; allowed: at most 1024 characters/],
  ['a service description of 1025 characters', () => ({ services: [{ name: 'api', description: 'd'.repeat(1025) }] }), /services\[0\]\.description: got 1025 characters; allowed: at most 1024 characters/],
  ['records past Route 53\'s 255 characters', () => ({ namespaceName: LONG_NAMESPACE, services: [{ name: 'x'.repeat(8) }] }),
    /services\[0\]\.name: got records named "x{8}\.[a.]+" \(256 characters\); allowed: a domain name of at most 255 characters in labels of at most 63/],
  ['a Route 53 check path of 256 characters', () => ({ kind: NamespaceKind.PUBLIC_DNS, vpc: undefined, namespaceName: 'example.com', services: [{ name: 'api', healthCheck: RegistryHealthCheck.route53({ path: `/${'p'.repeat(255)}` }) }] }),
    /services\[0\]\.healthCheck\.path: got 256 characters; allowed: at most 255 characters/],
  ['a path on a TCP check', () => ({ kind: NamespaceKind.HTTP, vpc: undefined, services: [{ name: 'api', healthCheck: RegistryHealthCheck.route53({ protocol: HealthCheckProtocol.TCP, path: '/' }) }] }),
    /services\[0\]\.healthCheck\.path: got "\/"; allowed: no path for a TCP check/],
];

describe('ServiceRegistry accepts what AWS documents as valid', () => {
  test.each(['_api._tcp', '_sip._udp', 'a', 'x'.repeat(63)])('the service name %s', (name) => {
    const { template } = build(() => ({ services: [{ name }] }));
    template().hasResourceProperties('AWS::ServiceDiscovery::Service', { Name: name });
  });
});

describe('ServiceRegistry accepts names and descriptions at their bounds', () => {
  test('descriptions of 1024 characters, records of 255 and a Route 53 check path of 255', () => {
    expect(LONG_NAMESPACE).toHaveLength(247);
    const { stack } = build(() => ({ namespaceName: LONG_NAMESPACE, description: 'd'.repeat(1024), services: [{ name: 'x'.repeat(7), description: 'd'.repeat(1024) }] }));
    expect(checkTemplateAgainstSpec('registry', Template.fromStack(stack).toJSON())).toEqual([]);
    const { stack: publicStack } = build(() => ({
      kind: NamespaceKind.PUBLIC_DNS, vpc: undefined, namespaceName: 'example.com', services: [{ name: 'api', healthCheck: RegistryHealthCheck.route53({ path: `/${'p'.repeat(254)}` }) }],
    }));
    Template.fromStack(publicStack).hasResourceProperties('AWS::ServiceDiscovery::Service', { HealthCheckConfig: { ResourcePath: `/${'p'.repeat(254)}` } });
  });
});

describe('ServiceRegistry rejects at synth', () => {
  test.each(rejected)('%s', (_name, props, message) => {
    expectRejected(() => build(props), 'Disc/Registry', message);
  });
});
