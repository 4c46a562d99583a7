/**
 * Route 53 health-check prices in USD per health check per month, from
 * https://aws.amazon.com/route53/pricing/ (figures as published on 2026-09-20, read 2026-11-21):
 *
 * - basic health check: $0.50 for an AWS endpoint, $0.75 for a non-AWS endpoint;
 * - each optional feature (HTTPS, string matching, fast 10-second interval, latency measurement):
 *   $1.00 for an AWS endpoint, $2.00 for a non-AWS endpoint;
 * - up to 50 health checks of AWS endpoints in an account are free. The figures here leave that
 *   allowance out: it is shared by the whole account.
 *
 * An AWS endpoint is a resource running in AWS in the same account as the health check (a load
 * balancer, an instance). Health checks that watch a CloudWatch alarm or other health checks
 * (calculated) have no endpoint and are counted here at the basic AWS-endpoint price.
 */
export enum EndpointKind {
  /** A resource in AWS, in the account of the health check. */
  AWS = 'AWS',
  /** Anything else: another provider, on premises, or an address not known to be in AWS. */
  NON_AWS = 'NON_AWS',
  /** Alarm-driven and calculated health checks. */
  NONE = 'NONE',
}

/**
 * The Route 53 health-check prices this library uses, in USD per health check per month.
 */
export class Route53HealthCheckPricing {
  /** When the prices were read from https://aws.amazon.com/route53/pricing/. */
  public static readonly READ_ON = '2026-11-21';
  /** Basic health check of an AWS endpoint. */
  public static readonly BASIC_AWS_ENDPOINT = 0.5;
  /** Basic health check of a non-AWS endpoint. */
  public static readonly BASIC_NON_AWS_ENDPOINT = 0.75;
  /** Each optional feature of an AWS-endpoint check: HTTPS, string matching, fast interval, latency. */
  public static readonly OPTIONAL_FEATURE_AWS_ENDPOINT = 1.0;
  /** Each optional feature of a non-AWS-endpoint check. */
  public static readonly OPTIONAL_FEATURE_NON_AWS_ENDPOINT = 2.0;
}

const P = Route53HealthCheckPricing;
const BASIC = { [EndpointKind.AWS]: P.BASIC_AWS_ENDPOINT, [EndpointKind.NON_AWS]: P.BASIC_NON_AWS_ENDPOINT, [EndpointKind.NONE]: P.BASIC_AWS_ENDPOINT };
const FEATURE = { [EndpointKind.AWS]: P.OPTIONAL_FEATURE_AWS_ENDPOINT, [EndpointKind.NON_AWS]: P.OPTIONAL_FEATURE_NON_AWS_ENDPOINT, [EndpointKind.NONE]: 0 };

/**
 * What one health check costs per month.
 */
export interface HealthCheckCost {
  /** Which health check: `primary`, `secondary`, or a child's name. */
  readonly name: string;

  /** Endpoint kind the price depends on. */
  readonly endpoint: EndpointKind;

  /** Optional features billed: `HTTPS`, `string matching`, `fast interval`, `latency measurement`. */
  readonly features: string[];

  /** USD per month. */
  readonly monthlyUsd: number;
}

/** Prices one health check. */
export function priceHealthCheck(name: string, endpoint: EndpointKind, features: string[]): HealthCheckCost {
  const monthlyUsd = Math.round((BASIC[endpoint] + FEATURE[endpoint] * features.length) * 100) / 100;
  return { name, endpoint, features, monthlyUsd };
}

/** Price of one optional feature for an endpoint kind. */
export function featurePrice(endpoint: EndpointKind): number {
  return FEATURE[endpoint];
}
