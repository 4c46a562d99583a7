/**
 * `Validator`: collects every rejected prop of a construct with its value and what is allowed,
 * then throws them together; the shared checks.
 */
import { Duration, IResource, Stack, Token } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { IConstruct } from 'constructs';
import { HaValidationError, ValidationIssue } from './errors';

/**
 * Renders a duration the way AWS documents its limits: in seconds.
 */
export function formatSeconds(d: Duration): string {
  return `${d.toSeconds({ integral: false })} s`;
}

/**
 * Collects every rejected value of one construct's props, then throws them together, so that a user
 * fixes a configuration in one pass instead of one error per synth.
 *
 * Every check skips values that are unresolved tokens: they are only known at deploy time.
 */
export class Validator {
  private readonly found: ValidationIssue[] = [];

  public get issues(): readonly ValidationIssue[] {
    return this.found;
  }

  public add(prop: string, value: string, allowed: string): void {
    this.found.push({ prop, value, allowed });
  }

  /** Adds issues found elsewhere (a value object's own check) under a prop prefix. */
  public addAll(prefix: string, issues: readonly ValidationIssue[]): void {
    for (const issue of issues) {
      this.found.push({ ...issue, prop: `${prefix}.${issue.prop}` });
    }
  }

  public integer(prop: string, value: number | undefined, min: number, max: number, allowed?: string): void {
    if (value === undefined || Token.isUnresolved(value)) return;
    if (!Number.isInteger(value) || value < min || value > max) {
      this.add(prop, String(value), allowed ?? `an integer from ${min} to ${max}`);
    }
  }

  /** A duration in whole seconds within [min, max]. */
  public seconds(prop: string, value: Duration | undefined, min: number, max: number, allowed?: string): void {
    if (value === undefined || value.isUnresolved()) return;
    const s = value.toSeconds({ integral: false });
    if (!Number.isInteger(s) || s < min || s > max) {
      this.add(prop, formatSeconds(value), allowed ?? `whole seconds from ${min} to ${max}`);
    }
  }

  /** A duration above zero, e.g. an alarm's threshold. */
  public aboveZero(prop: string, value: Duration | undefined): void {
    if (value === undefined || value.isUnresolved()) return;
    if (!(value.toSeconds({ integral: false }) > 0)) this.add(prop, formatSeconds(value), 'above 0 s');
  }

  /** A deprecated prop given beside the prop that replaces it. */
  public deprecatedBeside(prop: string, value: unknown, replacement: string, replacementValue: unknown): void {
    if (value === undefined || replacementValue === undefined) return;
    this.add(prop, describe(value), `no value beside ${replacement} (${describe(replacementValue)}): ${prop} is its deprecated name`);
  }

  public oneOf(prop: string, value: string | undefined, allowed: readonly string[]): void {
    if (value === undefined || Token.isUnresolved(value)) return;
    if (!allowed.includes(value)) {
      this.add(prop, JSON.stringify(value), `one of ${allowed.join(', ')}`);
    }
  }

  public matches(prop: string, value: string | undefined, pattern: RegExp, allowed: string): void {
    if (value === undefined || Token.isUnresolved(value)) return;
    if (!pattern.test(value)) {
      this.add(prop, JSON.stringify(value), allowed);
    }
  }

  /**
   * The subnets `selection` picks from `vpc` exist and span at least two Availability Zones;
   * `why` says what the second zone is for.
   */
  public subnetsInTwoZones(prop: string, vpc: ec2.IVpc, selection: ec2.SubnetSelection, why: string): void {
    let zones: string[];
    try {
      zones = vpc.selectSubnets(selection).availabilityZones;
    } catch (e) {
      this.add(prop, JSON.stringify(selection), `subnets that exist in the VPC (${(e as Error).message})`);
      return;
    }
    const distinct = new Set(zones).size;
    if (distinct < 2) this.add(prop, `subnets in ${distinct} Availability Zone(s)`, `subnets in at least two Availability Zones, ${why}`);
  }

  /**
   * Subnets an internet-facing load balancer can be reached in: none the VPC knows as private or
   * isolated. An internet-facing load balancer takes public subnets, those with a route to an
   * internet gateway ("The IDs of the public subnets", CreateLoadBalancer); its nodes elsewhere
   * get public addresses that no route reaches. Subnets the VPC does not classify are not judged.
   * https://docs.aws.amazon.com/elasticloadbalancing/latest/APIReference/API_CreateLoadBalancer.html
   * https://docs.aws.amazon.com/vpc/latest/userguide/configure-subnets.html#subnet-types
   */
  public publicSubnets(prop: string, vpc: ec2.IVpc, selection: ec2.SubnetSelection): void {
    let selected: ec2.ISubnet[];
    try {
      selected = vpc.selectSubnets(selection).subnets;
    } catch {
      return; // subnetsInTwoZones says so
    }
    const ids = (subnets: ec2.ISubnet[]) => new Set(subnets.map((s) => s.subnetId));
    const [priv, isolated] = [ids(vpc.privateSubnets), ids(vpc.isolatedSubnets)];
    const unreachable = selected.filter((s) => priv.has(s.subnetId) || isolated.has(s.subnetId));
    if (unreachable.length > 0) {
      const kinds = [...new Set(unreachable.map((s) => (priv.has(s.subnetId) ? 'private' : 'isolated')))].join(' and ');
      this.add(prop, `${unreachable.length} ${kinds} subnet(s) for an internet-facing load balancer`,
        'public subnets, with a route to an internet gateway: from others the load balancer cannot be reached from the internet');
    }
  }

  /**
   * A resource made elsewhere that must be in `scope`'s region (a KMS key, a topic the monitor
   * publishes to with a client of its own region): judged when both regions are known.
   */
  public sameRegion(prop: string, scope: IConstruct, resource: IResource | undefined, why: string): void {
    if (resource === undefined) return;
    const [theirs, ours] = [resource.env.region, Stack.of(scope).region];
    if (Token.isUnresolved(theirs) || Token.isUnresolved(ours) || theirs === ours) return;
    this.add(prop, `one in ${theirs} for ${ours}`, `one in ${ours}: ${why}`);
  }

  /** Throws an `HaValidationError` naming `scope`'s path if anything was rejected. */
  /** Throws every issue found, as `scope`'s rejected `what` (its `props`, or a method's `arguments`). */
  public throwIfAny(scope: IConstruct, what?: string): void {
    if (this.found.length > 0) {
      throw new HaValidationError(scope.node.path, [...this.found], what);
    }
  }
}

function describe(value: unknown): string {
  if (value instanceof Duration) return formatSeconds(value);
  return typeof value === 'string' ? JSON.stringify(value) : String(value);
}
