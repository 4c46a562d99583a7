/**
 * `DnsHealthCheck`: how the health of one side of a failover pair is decided (an endpoint check,
 * a calculated check, an alarm, or the target's health alone), and the checker regions.
 */
import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as route53 from 'aws-cdk-lib/aws-route53';
import { HealthCheckProfile } from '../core/health-check-profile';

/**
 * How a failover record's health is decided.
 */
export enum DnsHealthCheckType {
  /** Route 53 checkers around the world probe an endpoint (HTTP, HTTPS or TCP). */
  ENDPOINT = 'ENDPOINT',
  /** Healthy when enough child health checks are healthy. */
  CALCULATED = 'CALCULATED',
  /** Healthy while a CloudWatch alarm is not in ALARM: for endpoints Route 53 cannot reach. */
  ALARM = 'ALARM',
  /** No Route 53 health check: only the alias target's own health (EvaluateTargetHealth). */
  TARGET_HEALTH_ONLY = 'TARGET_HEALTH_ONLY',
}

/**
 * The locations Route 53 health checkers run in (at least three when you choose).
 */
export const ROUTE53_CHECKER_REGIONS = ['us-east-1', 'us-west-1', 'us-west-2', 'eu-west-1', 'ap-southeast-1', 'ap-southeast-2', 'ap-northeast-1', 'sa-east-1'];

/**
 * A Route 53 endpoint health check.
 */
export interface EndpointHealthCheckOptions {
  /**
   * Protocol, path, port, request interval (`interval`: 10 s or 30 s) and failure threshold
   * (`unhealthyThreshold`: 1 to 10). Route 53 has fixed timeouts (4 s to connect, then 2 s for
   * the status; 10 s for TCP), counts every 2xx and 3xx answer as healthy and uses one threshold
   * both ways, so `timeout`, `successCodes` and `healthyThreshold` do not apply.
   * @default - for a load balancer target, its listener's protocol and port and the default target
   * group's health-check path, every 30 s, 3 failures (Route 53's own defaults)
   */
  readonly profile?: HealthCheckProfile;

  /**
   * Route 53 request interval: 10 s (fast, billed as an optional feature) or 30 s. Overrides the
   * profile's `interval`, so that a load balancer's derived check can be made faster.
   * @default - the profile's interval
   */
  readonly requestInterval?: Duration;

  /**
   * Route 53 failure threshold, 1 to 10. Overrides the profile's `unhealthyThreshold`.
   * @default - the profile's unhealthy threshold
   */
  readonly failureThreshold?: number;

  /**
   * Healthy only if the response body contains this string within its first 5,120 bytes.
   * HTTP(S) only, 1 to 255 characters. Billed as an optional feature.
   * @default - status code only
   */
  readonly searchString?: string;

  /**
   * Where the checkers run: at least 3 of `ROUTE53_CHECKER_REGIONS`.
   * @default - all of them
   */
  readonly regions?: string[];

  /**
   * Send the host name in the TLS handshake (SNI), for HTTPS checks.
   * @default true
   */
  readonly enableSni?: boolean;

  /**
   * Measure latency from the checker regions. Billed as an optional feature.
   * @default false
   */
  readonly measureLatency?: boolean;
}

/**
 * A health check that combines others.
 */
export interface CalculatedHealthCheckOptions {
  /** The child health checks, 1 to 256. */
  readonly children: route53.IHealthCheck[];

  /** Healthy children needed for this check to be healthy: 0 to the number of children. */
  readonly healthThreshold: number;

  /** Worst case from a failure to this check turning unhealthy (the children's, which this construct cannot see). */
  readonly detectionTime: Duration;
}

/**
 * A health check that follows a CloudWatch alarm. Route 53 accepts alarms on one
 * standard-resolution metric with the Average, Minimum, Maximum, Sum or SampleCount statistic.
 */
export interface AlarmHealthCheckOptions {
  /** The alarm: ALARM means unhealthy. */
  readonly alarm: cloudwatch.IAlarm;

  /**
   * Worst case from a failure to the alarm firing: the signal's own lag plus the alarm's periods.
   */
  readonly detectionTime: Duration;

  /**
   * Health while the alarm has insufficient data.
   * @default route53.InsufficientDataHealthStatusEnum.LAST_KNOWN_STATUS
   */
  readonly insufficientDataStatus?: route53.InsufficientDataHealthStatusEnum;
}

/**
 * The health check of one side of a failover pair.
 */
export class DnsHealthCheck {
  /** The locations Route 53 health checkers run in. */
  public static readonly CHECKER_REGIONS: string[] = ROUTE53_CHECKER_REGIONS;

  /** Route 53 checkers probe the target (or the endpoint the profile describes). */
  public static endpoint(options: EndpointHealthCheckOptions = {}): DnsHealthCheck {
    return new DnsHealthCheck(DnsHealthCheckType.ENDPOINT, { endpoint: options });
  }

  /** Healthy when at least `healthThreshold` children are healthy. */
  public static calculated(options: CalculatedHealthCheckOptions): DnsHealthCheck {
    return new DnsHealthCheck(DnsHealthCheckType.CALCULATED, { calculated: options });
  }

  /** Follows a CloudWatch alarm: for private endpoints Route 53 checkers cannot reach. */
  public static alarm(options: AlarmHealthCheckOptions): DnsHealthCheck {
    return new DnsHealthCheck(DnsHealthCheckType.ALARM, { alarm: options });
  }

  /**
   * No Route 53 health check: an alias record follows its target's health only. Costs nothing,
   * but a load balancer that cannot be reached at all is seen only by ELB's own view of its nodes.
   */
  public static targetHealthOnly(): DnsHealthCheck {
    return new DnsHealthCheck(DnsHealthCheckType.TARGET_HEALTH_ONLY, {});
  }

  /** What Route 53 checks. */
  public readonly type: DnsHealthCheckType;
  /** Settings, for `ENDPOINT`. */
  public readonly endpointOptions?: EndpointHealthCheckOptions;
  /** Settings, for `CALCULATED`. */
  public readonly calculatedOptions?: CalculatedHealthCheckOptions;
  /** Settings, for `ALARM`. */
  public readonly alarmOptions?: AlarmHealthCheckOptions;

  private constructor(type: DnsHealthCheckType, options: { endpoint?: EndpointHealthCheckOptions; calculated?: CalculatedHealthCheckOptions; alarm?: AlarmHealthCheckOptions }) {
    this.type = type;
    this.endpointOptions = options.endpoint;
    this.calculatedOptions = options.calculated;
    this.alarmOptions = options.alarm;
  }
}
