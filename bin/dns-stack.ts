import { Duration, Stack, StackProps } from 'aws-cdk-lib';
import * as route53 from 'aws-cdk-lib/aws-route53';
import { Construct } from 'constructs';
import { DnsFailover, DnsHealthCheck, FailoverTarget, HaLoadBalancer } from '../lib';

/**
 * Props of the reference app's global DNS.
 */
export interface DnsStackProps extends StackProps {
  /** The domain, e.g. `example.com`. */
  readonly domainName: string;

  /** An existing public hosted zone of `domainName`; without it the stack creates one. */
  readonly hostedZoneId?: string;

  /** The name that fails over, relative to the domain. */
  readonly recordName: string;

  /** The load balancer that serves while healthy. */
  readonly primary: HaLoadBalancer;

  /** The load balancer in the standby region. */
  readonly standby: HaLoadBalancer;

  /** Longest acceptable failover. */
  readonly failoverBudget: Duration;
}

/**
 * The external name of the reference backend: PRIMARY on the primary region's load balancer,
 * health-checked by Route 53 every 10 s; SECONDARY on the standby region's load balancer. It
 * lives in us-east-1, where Route 53 publishes its health-check metrics, so that the
 * primary-unhealthy alarm can exist.
 */
export class DnsStack extends Stack {
  public readonly zone: route53.IPublicHostedZone;
  public readonly failover: DnsFailover;

  constructor(scope: Construct, id: string, props: DnsStackProps) {
    super(scope, id, props);
    this.zone = props.hostedZoneId
      ? route53.PublicHostedZone.fromPublicHostedZoneAttributes(this, 'Zone', { hostedZoneId: props.hostedZoneId, zoneName: props.domainName })
      : new route53.PublicHostedZone(this, 'Zone', { zoneName: props.domainName });

    this.failover = new DnsFailover(this, 'ApiName', {
      zone: this.zone,
      recordName: props.recordName,
      primary: FailoverTarget.loadBalancer(props.primary),
      secondary: FailoverTarget.loadBalancer(props.standby),
      primaryHealthCheck: DnsHealthCheck.endpoint({ requestInterval: Duration.seconds(10), failureThreshold: 2 }),
      failoverBudget: props.failoverBudget,
    });
  }
}
