/**
 * `FailoverTarget`: what one side of a failover pair points at, as alias or plain records, and the
 * detection time known for it.
 */
import { Duration } from 'aws-cdk-lib';
import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { HaLoadBalancer } from '../load-balancing/ha-load-balancer';

/**
 * What one side of a failover pair points at.
 */
export enum FailoverTargetKind {
  /** An HaLoadBalancer: alias record, target health evaluated, detection time known. */
  HA_LOAD_BALANCER = 'HA_LOAD_BALANCER',
  /** Any Application or Network Load Balancer: alias record, target health evaluated. */
  ELB = 'ELB',
  /** A load balancer known by DNS name and hosted zone id, e.g. in another region or account. */
  REMOTE_LOAD_BALANCER = 'REMOTE_LOAD_BALANCER',
  /** An IPv4 (A record) or IPv6 (AAAA record) address. */
  IP_ADDRESS = 'IP_ADDRESS',
  /** A host name (CNAME record). */
  HOSTNAME = 'HOSTNAME',
  /** An S3 bucket configured as a static website, e.g. a maintenance page (alias record). */
  S3_WEBSITE = 'S3_WEBSITE',
}

/**
 * Options for a load balancer that is not an HaLoadBalancer.
 */
export interface LoadBalancerTargetOptions {
  /**
   * Worst case from the load balancer's targets failing to the load balancer marking them
   * unhealthy, from its target groups' health-check settings.
   * @default Duration.seconds(70) - ELB's default settings: 30 s interval × 2 failures + 10 s timeout
   */
  readonly detectionTime?: Duration;
}

/** Detection time assumed for a load balancer whose health-check settings are not known. */
export const ELB_DEFAULT_DETECTION_TIME = Duration.seconds(70);

/**
 * One side of a failover pair.
 */
export class FailoverTarget {
  /**
   * An HaLoadBalancer, in this region or another (cross-region references then need
   * `crossRegionReferences: true` on the stacks).
   */
  public static loadBalancer(loadBalancer: HaLoadBalancer): FailoverTarget {
    return new FailoverTarget(FailoverTargetKind.HA_LOAD_BALANCER, { haLoadBalancer: loadBalancer, detectionTime: loadBalancer.worstCaseDetectionTime });
  }

  /** Any Application or Network Load Balancer. */
  public static elb(loadBalancer: elbv2.ILoadBalancerV2, options: LoadBalancerTargetOptions = {}): FailoverTarget {
    return new FailoverTarget(FailoverTargetKind.ELB, { elbLoadBalancer: loadBalancer, detectionTime: options.detectionTime ?? ELB_DEFAULT_DETECTION_TIME });
  }

  /**
   * A load balancer known by its DNS name and canonical hosted zone id, for example one in another
   * region that is not a construct of this app.
   */
  public static remoteLoadBalancer(dnsName: string, canonicalHostedZoneId: string, options: LoadBalancerTargetOptions = {}): FailoverTarget {
    return new FailoverTarget(FailoverTargetKind.REMOTE_LOAD_BALANCER, {
      dnsName, hostedZoneId: canonicalHostedZoneId, detectionTime: options.detectionTime ?? ELB_DEFAULT_DETECTION_TIME,
    });
  }

  /** An IPv4 or IPv6 address. */
  public static ipAddress(address: string): FailoverTarget {
    return new FailoverTarget(FailoverTargetKind.IP_ADDRESS, { address });
  }

  /** A host name; the record is a CNAME and so cannot be the zone apex. */
  public static hostname(hostname: string): FailoverTarget {
    return new FailoverTarget(FailoverTargetKind.HOSTNAME, { host: hostname });
  }

  /**
   * An S3 static website, typically a maintenance page. Route 53 requires the bucket to be named
   * exactly like the record, and S3 website endpoints serve HTTP only.
   */
  public static s3Website(bucket: s3.IBucket): FailoverTarget {
    return new FailoverTarget(FailoverTargetKind.S3_WEBSITE, { bucket });
  }

  /** What the target is. */
  public readonly kind: FailoverTargetKind;
  /** The HaLoadBalancer, for `HA_LOAD_BALANCER`. */
  public readonly haLoadBalancer?: HaLoadBalancer;
  /** The load balancer, for `ELB`. */
  public readonly elbLoadBalancer?: elbv2.ILoadBalancerV2;
  /** DNS name, for `REMOTE_LOAD_BALANCER`. */
  public readonly dnsName?: string;
  /** Canonical hosted zone id, for `REMOTE_LOAD_BALANCER`. */
  public readonly hostedZoneId?: string;
  /** The address, for `IP_ADDRESS`. */
  public readonly address?: string;
  /** The host name, for `HOSTNAME`. */
  public readonly host?: string;
  /** The bucket, for `S3_WEBSITE`. */
  public readonly bucket?: s3.IBucket;
  /** Time for the target itself to see its backends fail, for load balancer targets. */
  public readonly detectionTime?: Duration;

  private constructor(kind: FailoverTargetKind, fields: Omit<Partial<FailoverTarget>, 'kind'>) {
    this.kind = kind;
    this.haLoadBalancer = fields.haLoadBalancer;
    this.elbLoadBalancer = fields.elbLoadBalancer;
    this.dnsName = fields.dnsName;
    this.hostedZoneId = fields.hostedZoneId;
    this.address = fields.address;
    this.host = fields.host;
    this.bucket = fields.bucket;
    this.detectionTime = fields.detectionTime;
  }

  /** Whether the record is an alias (no TTL of its own; Route 53 evaluates the target's health). */
  public get isAlias(): boolean {
    return this.kind !== FailoverTargetKind.IP_ADDRESS && this.kind !== FailoverTargetKind.HOSTNAME;
  }
}
