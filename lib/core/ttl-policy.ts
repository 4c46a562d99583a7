/** `TtlPolicy`: the TTL bounds and default of a name, for clients outside and inside a VPC. */
import { Duration } from 'aws-cdk-lib';
import { Validator, formatSeconds } from './validation';

/** Route 53's TTL range. */
const ROUTE53_MAX_TTL = 2147483647;

/**
 * How long resolvers may cache a failover record: the price every failover pays on top of
 * detection. A policy has a default and the bounds a record's TTL must stay within.
 */
export class TtlPolicy {
  /**
   * Names resolved inside your networks, by resolvers you run or AWS runs for you: 10 s by
   * default, 10 to 30 s allowed.
   */
  public static readonly INTERNAL = new TtlPolicy('internal', Duration.seconds(10), Duration.seconds(10), Duration.seconds(30));

  /**
   * Names resolved on the internet: 60 s by default, 30 to 60 s allowed. Route 53 recommends 60
   * seconds or less for records tied to health checks; below 30 s many public resolvers raise the
   * TTL anyway, so a lower value only adds queries.
   */
  public static readonly EXTERNAL = new TtlPolicy('external', Duration.seconds(60), Duration.seconds(30), Duration.seconds(60));

  /**
   * A policy of your own. Bounds within Route 53's range (0 to 2147483647 s), `min ≤ ttl ≤ max`.
   */
  public static custom(name: string, defaultTtl: Duration, minTtl: Duration, maxTtl: Duration): TtlPolicy {
    return new TtlPolicy(name, defaultTtl, minTtl, maxTtl);
  }

  /** Name used in messages. */
  public readonly name: string;

  /** TTL used when a record does not set one. */
  public readonly defaultTtl: Duration;

  /** Lowest TTL allowed. */
  public readonly minTtl: Duration;

  /** Highest TTL allowed. */
  public readonly maxTtl: Duration;

  private constructor(name: string, defaultTtl: Duration, minTtl: Duration, maxTtl: Duration) {
    this.name = name;
    this.defaultTtl = defaultTtl;
    this.minTtl = minTtl;
    this.maxTtl = maxTtl;
  }

  /**
   * Checks the policy itself (a custom one can be inconsistent).
   * @internal
   */
  public _validateSelf(v: Validator, prop: string): void {
    v.seconds(`${prop}.minTtl`, this.minTtl, 0, ROUTE53_MAX_TTL);
    v.seconds(`${prop}.maxTtl`, this.maxTtl, 0, ROUTE53_MAX_TTL);
    const [min, def, max] = [this.minTtl, this.defaultTtl, this.maxTtl].map((d) => d.toSeconds({ integral: false }));
    if (!(min <= def && def <= max)) {
      v.add(prop, `min ${min} s, default ${def} s, max ${max} s`, 'min ≤ default ≤ max');
    }
  }

  /**
   * Checks a record's TTL against the policy's bounds.
   * @internal
   */
  public _validateTtl(v: Validator, prop: string, ttl: Duration): void {
    if (ttl.isUnresolved()) return;
    v.seconds(prop, ttl, this.minTtl.toSeconds({ integral: false }), this.maxTtl.toSeconds({ integral: false }),
      `whole seconds from ${formatSeconds(this.minTtl)} to ${formatSeconds(this.maxTtl)} (the ${this.name} TTL policy)`);
  }
}
