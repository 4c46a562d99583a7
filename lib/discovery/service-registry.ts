/**
 * `ServiceRegistry`: a Cloud Map namespace and its services, with their health checks, for
 * callers that balance on their own.
 */
import { Duration, Token } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as servicediscovery from 'aws-cdk-lib/aws-servicediscovery';
import { Construct } from 'constructs';
import type { MetricName } from '../../lambda/health-monitor/contract';
import { REGISTRY_DIMENSION } from '../../lambda/health-monitor/contract';
import { CLOUD_MAP_DESCRIPTION, fitDescription, validateDescription } from '../core/descriptions';
import { DNS_NAME_ALLOWED, dnsNameProblem } from '../core/dns-names';
import { HaValidationError } from '../core/errors';
import { HealthCheckProtocol } from '../core/health-check-profile';
import { emittedMetric } from '../core/metrics';
import { TtlPolicy } from '../core/ttl-policy';
import { Validator, formatSeconds } from '../core/validation';

/**
 * A Cloud Map service name: a DNS label, or the DNS-SD form `_service._protocol` that SRV clients
 * such as HAProxy expect (Cloud Map API Reference, CreateService, `Name`: "Start the name with an
 * underscore (_) ... End the name with ._protocol, such as ._tcp"; at most 127 characters).
 * https://docs.aws.amazon.com/cloud-map/latest/api/API_CreateService.html
 */
const LABEL = '[a-zA-Z0-9_]([a-zA-Z0-9_-]{0,61}[a-zA-Z0-9_])?';
const SERVICE_NAME = new RegExp(`^(${LABEL}|_[a-zA-Z0-9]([a-zA-Z0-9_-]{0,60}[a-zA-Z0-9_])?\\._[a-zA-Z0-9]{1,61})$`);

/**
 * How callers find the instances of a registry.
 */
export enum NamespaceKind {
  /** DNS names resolvable inside the VPC, and the DiscoverInstances API. */
  PRIVATE_DNS = 'PRIVATE_DNS',
  /** DNS names on the internet (a public hosted zone), and the DiscoverInstances API. */
  PUBLIC_DNS = 'PUBLIC_DNS',
  /** The DiscoverInstances API only. */
  HTTP = 'HTTP',
}

/**
 * Who tells Cloud Map whether an instance is healthy.
 */
export enum RegistryHealthCheckType {
  /** An agent reports it (UpdateInstanceCustomHealthStatus): the LeaderHealthMonitor. */
  CUSTOM = 'CUSTOM',
  /** A Route 53 health check per instance, from the internet: public endpoints only. */
  ROUTE53 = 'ROUTE53',
  /** Nobody: every instance is returned. */
  NONE = 'NONE',
}

/**
 * Health checking of a registry service.
 */
export class RegistryHealthCheck {
  /** Health reported by an agent, the LeaderHealthMonitor: see its `membership`. */
  public static custom(): RegistryHealthCheck {
    return new RegistryHealthCheck(RegistryHealthCheckType.CUSTOM);
  }

  /**
   * A Route 53 health check of each instance, every 30 s from the internet. Public DNS and HTTP
   * namespaces only, not for CNAME records.
   */
  public static route53(options: Route53RegistryHealthCheckOptions = {}): RegistryHealthCheck {
    return new RegistryHealthCheck(RegistryHealthCheckType.ROUTE53, options);
  }

  /** No health checking. */
  public static none(): RegistryHealthCheck {
    return new RegistryHealthCheck(RegistryHealthCheckType.NONE);
  }

  private constructor(
    /** Who checks. */
    public readonly type: RegistryHealthCheckType,
    /** Settings of a Route 53 check. */
    public readonly route53Options: Route53RegistryHealthCheckOptions = {},
  ) {}
}

/**
 * Settings of the Route 53 health check Cloud Map creates for each instance.
 */
export interface Route53RegistryHealthCheckOptions {
  /**
   * What the check asks.
   * @default HealthCheckProtocol.HTTP
   */
  readonly protocol?: HealthCheckProtocol;

  /**
   * Path of an HTTP or HTTPS check.
   * @default '/'
   */
  readonly path?: string;

  /**
   * Consecutive failed checks (30 s apart) before an instance is unhealthy. 1 to 10.
   * @default 1
   */
  readonly failureThreshold?: number;
}

/**
 * A service of a `ServiceRegistry`.
 */
export interface RegistryServiceOptions {
  /** The service's name: a DNS label (its DNS name is `<name>.<namespace>`, at most 255 characters). */
  readonly name: string;

  /**
   * What the service is for: at most 1024 characters.
   * @default - none
   */
  readonly description?: string;

  /**
   * Who says whether an instance is healthy.
   * @default RegistryHealthCheck.custom(): the LeaderHealthMonitor reports it
   */
  readonly healthCheck?: RegistryHealthCheck;

  /**
   * The DNS records of each instance, in a DNS namespace: `A` (and `SRV`) for IP addresses,
   * `CNAME` for instances known by a DNS name, such as a cache's or a database's endpoints.
   * @default servicediscovery.DnsRecordType.A
   */
  readonly dnsRecordType?: servicediscovery.DnsRecordType;

  /**
   * How long resolvers may cache the records, within the registry's TTL policy.
   * @default - the TTL policy's default
   */
  readonly dnsTtl?: Duration;
}

/**
 * Props of `ServiceRegistry`.
 */
export interface ServiceRegistryProps {
  /** The namespace's name: a domain such as `internal.example.com`, or any name for HTTP. */
  readonly namespaceName: string;

  /**
   * How callers find instances.
   * @default NamespaceKind.PRIVATE_DNS
   */
  readonly kind?: NamespaceKind;

  /**
   * The VPC whose resolvers answer for a private DNS namespace. Required for PRIVATE_DNS only.
   * @default - none
   */
  readonly vpc?: ec2.IVpc;

  /** The services. */
  readonly services: RegistryServiceOptions[];

  /**
   * The TTL bounds of every service's DNS records.
   * @default TtlPolicy.INTERNAL for private DNS (10 s), TtlPolicy.EXTERNAL for public DNS (60 s)
   */
  readonly ttlPolicy?: TtlPolicy;

  /**
   * What the namespace is for: at most 1024 characters.
   * @default - its path in the app
   */
  readonly description?: string;
}

/**
 * Service discovery with AWS Cloud Map: a namespace (private DNS, public DNS or HTTP) and its
 * services, each with its health checking and its DNS records' TTL from a TTL policy.
 *
 * Callers find healthy instances by DNS or with DiscoverInstances (`grantDiscover`) and balance
 * across them themselves. With custom health checks, the LeaderHealthMonitor is the agent that
 * registers the instances (targets of its target groups, or data-tier endpoints) and keeps their
 * health in step with its verdicts: see `LeaderHealthMonitorOptions.membership`.
 */
export class ServiceRegistry extends Construct {
  /** The Cloud Map namespace. */
  public readonly namespace: servicediscovery.INamespace;

  /** The namespace's name. */
  public readonly namespaceName: string;

  /** How callers find instances. */
  public readonly kind: NamespaceKind;

  /** The TTL policy of the services' records. */
  public readonly ttlPolicy: TtlPolicy;

  /** The services, in the order given. */
  public readonly services: servicediscovery.Service[];

  /** The services' names, in the same order. */
  public readonly serviceNames: string[];

  private readonly byName = new Map<string, { readonly service: servicediscovery.Service; readonly options: RegistryServiceOptions }>();

  constructor(scope: Construct, id: string, props: ServiceRegistryProps) {
    super(scope, id);
    this.kind = props.kind ?? NamespaceKind.PRIVATE_DNS;
    this.namespaceName = props.namespaceName;
    this.ttlPolicy = props.ttlPolicy ?? (this.kind === NamespaceKind.PUBLIC_DNS ? TtlPolicy.EXTERNAL : TtlPolicy.INTERNAL);
    this.validate(props);

    const description = props.description ?? fitDescription(CLOUD_MAP_DESCRIPTION, `Service registry of ${this.node.path}`);
    if (this.kind === NamespaceKind.PRIVATE_DNS) {
      this.namespace = new servicediscovery.PrivateDnsNamespace(this, 'Namespace', { name: props.namespaceName, vpc: props.vpc!, description });
    } else if (this.kind === NamespaceKind.PUBLIC_DNS) {
      this.namespace = new servicediscovery.PublicDnsNamespace(this, 'Namespace', { name: props.namespaceName, description });
    } else {
      this.namespace = new servicediscovery.HttpNamespace(this, 'Namespace', { name: props.namespaceName, description });
    }

    this.serviceNames = props.services.map((o) => o.name);
    this.services = props.services.map((options) => {
      const service = new servicediscovery.Service(this, `Service-${options.name}`, {
        namespace: this.namespace,
        name: options.name,
        description: options.description,
        ...this.healthSettings(options.healthCheck ?? RegistryHealthCheck.custom()),
        ...(this.kind === NamespaceKind.HTTP ? {} : {
          dnsRecordType: options.dnsRecordType ?? servicediscovery.DnsRecordType.A,
          dnsTtl: options.dnsTtl ?? this.ttlPolicy.defaultTtl,
          routingPolicy: options.dnsRecordType === servicediscovery.DnsRecordType.CNAME ? servicediscovery.RoutingPolicy.WEIGHTED : servicediscovery.RoutingPolicy.MULTIVALUE,
        }),
      });
      this.byName.set(options.name, { service, options });
      return service;
    });
  }

  /** The service of that name; throws when there is none. */
  public service(name: string): servicediscovery.Service {
    return this.entry(name).service;
  }

  /** Who checks the health of the service's instances. */
  public healthCheckType(name: string): RegistryHealthCheckType {
    return (this.entry(name).options.healthCheck ?? RegistryHealthCheck.custom()).type;
  }

  /** The DNS record type of the service's instances; undefined in an HTTP namespace. */
  public dnsRecordType(name: string): servicediscovery.DnsRecordType | undefined {
    const { options } = this.entry(name);
    if (this.kind === NamespaceKind.HTTP) return undefined;
    return options.dnsRecordType ?? servicediscovery.DnsRecordType.A;
  }

  /**
   * Lets `grantee` discover the instances of this namespace's services with DiscoverInstances
   * (DNS queries need no permission). The API has no resource-level permissions: the grant is
   * limited by the namespace's name instead.
   */
  public grantDiscover(grantee: iam.IGrantable): iam.Grant {
    return iam.Grant.addToPrincipal({
      grantee,
      actions: ['servicediscovery:DiscoverInstances', 'servicediscovery:DiscoverInstancesRevision'],
      resourceArns: ['*'],
      conditions: { StringEquals: { 'servicediscovery:NamespaceName': this.namespaceName } },
    });
  }

  /** Instances of a service Cloud Map has as healthy, as the monitor keeping it saw last. Default: minimum over 1 minute. */
  public metricHealthyInstances(serviceName: string, props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.metric(serviceName, 'RegistryHealthy', props);
  }

  /** Instances of a service Cloud Map has as unhealthy. Default: maximum over 1 minute. */
  public metricUnhealthyInstances(serviceName: string, props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.metric(serviceName, 'RegistryUnhealthy', props);
  }

  /** Registrations, health reports and deregistrations the monitor made. Default: sum over 1 minute. */
  public metricMembershipChanges(serviceName: string, props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.metric(serviceName, 'RegistryChanges', props);
  }

  /** Changes the monitor could not make (the API failed or its circuit was open). Default: sum over 1 minute. */
  public metricMembershipFailures(serviceName: string, props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.metric(serviceName, 'RegistryFailures', props);
  }

  /** The name the monitor's metrics give the service: `<namespace>/<service>`. */
  public metricDimension(serviceName: string): string {
    this.entry(serviceName);
    return `${this.namespaceName}/${serviceName}`;
  }

  private entry(name: string): { readonly service: servicediscovery.Service; readonly options: RegistryServiceOptions } {
    const found = this.byName.get(name);
    if (!found) {
      throw new HaValidationError(this.node.path, [{ prop: 'serviceName', value: JSON.stringify(name), allowed: `a service of this registry: ${this.serviceNames.join(', ')}` }], 'arguments');
    }
    return found;
  }

  /** A metric the monitor emits for the service, under the dimension the monitor gives it. */
  private metric(serviceName: string, metricName: MetricName, props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return emittedMetric(metricName, { [REGISTRY_DIMENSION]: this.metricDimension(serviceName) }, props);
  }

  private healthSettings(check: RegistryHealthCheck): Pick<servicediscovery.DnsServiceProps, 'healthCheck' | 'customHealthCheck'> {
    if (check.type === RegistryHealthCheckType.CUSTOM) return { customHealthCheck: { failureThreshold: 1 } };
    if (check.type === RegistryHealthCheckType.NONE) return {};
    const o = check.route53Options;
    const protocol = o.protocol ?? HealthCheckProtocol.HTTP;
    return {
      healthCheck: {
        type: servicediscovery.HealthCheckType[protocol],
        resourcePath: protocol === HealthCheckProtocol.TCP ? undefined : o.path ?? '/',
        failureThreshold: o.failureThreshold ?? 1,
      },
    };
  }

  private validate(props: ServiceRegistryProps): void {
    const v = new Validator();
    if (this.kind === NamespaceKind.PRIVATE_DNS && !props.vpc) v.add('vpc', 'undefined', 'a VPC: a private DNS namespace answers in one');
    if (this.kind !== NamespaceKind.PRIVATE_DNS && props.vpc) v.add('vpc', 'a VPC', `no VPC for a ${this.kind} namespace`);
    if (this.kind !== NamespaceKind.HTTP) {
      v.matches('namespaceName', props.namespaceName, /^(?=.{1,253}$)([a-zA-Z0-9_]([a-zA-Z0-9_-]{0,61}[a-zA-Z0-9_])?\.)*[a-zA-Z0-9_]([a-zA-Z0-9_-]{0,61}[a-zA-Z0-9_])?$/,
        'a domain name: labels of letters, digits, "_" and "-", at most 253 characters');
    } else {
      v.matches('namespaceName', props.namespaceName, /^[!-~]{1,1024}$/, '1 to 1024 printable ASCII characters without spaces');
    }
    validateDescription(v, 'description', CLOUD_MAP_DESCRIPTION, props.description);
    this.ttlPolicy._validateSelf(v, 'ttlPolicy');
    if (props.services.length === 0) v.add('services', '[]', 'at least one service');
    const seen = new Set<string>();
    props.services.forEach((s, i) => this.validateService(v, `services[${i}]`, s, seen));
    v.throwIfAny(this);
  }

  private validateService(v: Validator, prop: string, s: RegistryServiceOptions, seen: Set<string>): void {
    if (Token.isUnresolved(s.name)) {
      v.add(`${prop}.name`, 'a token', 'a literal name: the monitor and the metrics refer to services by name');
    } else {
      v.matches(`${prop}.name`, s.name, SERVICE_NAME, 'a DNS label (letters, digits, "_" and "-", at most 63 characters), or `_service._protocol`');
      if (seen.has(s.name)) v.add(`${prop}.name`, JSON.stringify(s.name), 'a name no other service of the registry has');
      seen.add(s.name);
      // Cloud Map names a service's records `<service>.<namespace>` (CreateService, `Name`), and
      // Route 53 holds them to its name limits.
      const recordName = `${s.name}.${this.namespaceName}`;
      const nameProblem = this.kind === NamespaceKind.HTTP ? undefined : dnsNameProblem(recordName);
      if (nameProblem !== undefined) v.add(`${prop}.name`, `records named ${nameProblem}`, DNS_NAME_ALLOWED);
    }
    validateDescription(v, `${prop}.description`, CLOUD_MAP_DESCRIPTION, s.description);
    const check = s.healthCheck ?? RegistryHealthCheck.custom();
    const cname = s.dnsRecordType === servicediscovery.DnsRecordType.CNAME;
    if (this.kind === NamespaceKind.HTTP) {
      if (s.dnsRecordType !== undefined) v.add(`${prop}.dnsRecordType`, s.dnsRecordType, 'none in an HTTP namespace: it has no DNS records');
      if (s.dnsTtl !== undefined) v.add(`${prop}.dnsTtl`, formatSeconds(s.dnsTtl), 'none in an HTTP namespace: it has no DNS records');
    } else if (s.dnsTtl !== undefined) {
      this.ttlPolicy._validateTtl(v, `${prop}.dnsTtl`, s.dnsTtl);
    }
    if (check.type === RegistryHealthCheckType.ROUTE53) {
      if (this.kind === NamespaceKind.PRIVATE_DNS) {
        v.add(`${prop}.healthCheck`, 'a Route 53 health check', 'custom or none in a private DNS namespace: Route 53 checks from the internet, which cannot reach it');
      }
      if (cname) v.add(`${prop}.healthCheck`, 'a Route 53 health check', 'custom or none with CNAME records: Cloud Map refuses Route 53 checks on them');
      const o = check.route53Options;
      v.integer(`${prop}.healthCheck.failureThreshold`, o.failureThreshold, 1, 10);
      if (o.protocol === HealthCheckProtocol.TCP && o.path !== undefined) v.add(`${prop}.healthCheck.path`, JSON.stringify(o.path), 'no path for a TCP check');
      // HealthCheckConfig `ResourcePath`: at most 255 characters.
      // https://docs.aws.amazon.com/cloud-map/latest/api/API_HealthCheckConfig.html
      if (o.path !== undefined && !Token.isUnresolved(o.path) && o.path.length > 255) v.add(`${prop}.healthCheck.path`, `${o.path.length} characters`, 'at most 255 characters');
    }
  }
}
