/**
 * A service's failover time per failure: which failures it can have, the client-side delays a
 * team states, and the chain of steps each failure goes through.
 */
import { Duration } from 'aws-cdk-lib';
import { FailoverTimeBreakdown } from '../core/failover-time';

/**
 * A failure a service can have. Each has its own chain of steps: no real failure goes through
 * every tier (a region loss does not wait for a cache failover; a cache primary failing does not
 * move the name).
 */
export enum ServiceFailure {
  /** One target (a task, an instance) fails: the load balancer stops sending it requests. */
  TARGET = 'TARGET',
  /**
   * An Availability Zone is impaired, often grayly (its targets pass their health checks while
   * requests through it fail): ARC zonal shift takes the load balancer's node in that zone out of
   * its DNS name, and the other zones carry the load.
   */
  ZONE = 'ZONE',
  /** The database writer fails: the database promotes its standby or a reader. */
  DATABASE_WRITER = 'DATABASE_WRITER',
  /** The cache primary fails: the cache promotes a replica. */
  CACHE_PRIMARY = 'CACHE_PRIMARY',
  /**
   * The primary region is lost, or every target in it: clients move to the standby by the name or
   * the virtual IP. Traffic only: the data tiers here replicate within the region.
   */
  PRIMARY_REGION = 'PRIMARY_REGION',
}

/** How each failure reads in messages and tables. */
const FAILURE_NAMES: Record<ServiceFailure, string> = {
  [ServiceFailure.TARGET]: 'a target fails',
  [ServiceFailure.ZONE]: 'a zone is impaired',
  [ServiceFailure.DATABASE_WRITER]: 'the database writer fails',
  [ServiceFailure.CACHE_PRIMARY]: 'the cache primary fails',
  [ServiceFailure.PRIMARY_REGION]: 'the primary region is lost',
};

/**
 * Delays of the service's own clients, which decide what users see after the tiers have failed
 * over. The library cannot know them: state them, and every failure that goes through them counts
 * them. One not stated counts as 0 s and keeps that failure's figure from being a bound.
 */
export interface ClientDelays {
  /**
   * How long past a record's TTL clients or their resolvers may keep using a cached answer
   * (some runtimes cache names for the life of the process unless told otherwise).
   * @default - not stated
   */
  readonly dnsCacheBeyondTtl?: Duration;

  /**
   * How long a client keeps sending requests over one connection to the load balancer (HTTP
   * keep-alive, gRPC channels) before it opens a new one, and so resolves the name again. While
   * the primary's load balancer still accepts connections, a client on such a connection stays
   * there. An Application Load Balancer keeps a client connection for up to its HTTP client
   * keep-alive duration, 3,600 s by default (ELB User Guide, "Edit attributes for your Application
   * Load Balancer", https://docs.aws.amazon.com/elasticloadbalancing/latest/application/edit-load-balancer-attributes.html).
   * @default - not stated
   */
  readonly connectionReuse?: Duration;

  /**
   * How long the service's database connection pools keep a connection to the old writer before
   * they drop it and connect again (pool validation, maximum connection lifetime).
   * @default - not stated
   */
  readonly databaseReconnect?: Duration;

  /**
   * How long the service's cache clients keep a connection to the old primary before they connect
   * again.
   * @default - not stated
   */
  readonly cacheReconnect?: Duration;
}

/**
 * One failure's chain, from the failure to clients being served again.
 */
export class FailureFailoverTime {
  /** The failure. */
  public readonly failure: ServiceFailure;

  /** The failure in words, e.g. "the cache primary fails". */
  public readonly description: string;

  /** The steps, each with its kind and source. */
  public readonly breakdown: FailoverTimeBreakdown;

  /**
   * How much data the failure loses, as a duration of writes, with its kind and source; undefined
   * when the failure touches no database, or when the database has no copy it could lose less
   * than everything written since its last backup (a region lost without a global database).
   */
  public readonly dataLoss?: FailoverTimeBreakdown;

  /** Whether the failure takes data that has no copy elsewhere (a region lost, a database that is not global). */
  public readonly dataWithoutCopy: boolean;

  constructor(failure: ServiceFailure, breakdown: FailoverTimeBreakdown, dataLoss?: FailoverTimeBreakdown, dataWithoutCopy: boolean = false) {
    this.failure = failure;
    this.description = FAILURE_NAMES[failure];
    this.breakdown = breakdown;
    this.dataLoss = dataLoss;
    this.dataWithoutCopy = dataWithoutCopy;
  }

  /** The sum of the steps. */
  public get total(): Duration {
    return this.breakdown.total;
  }

  /** Whether the total is a bound (every step is); otherwise it is a typical figure. */
  public get isBound(): boolean {
    return this.breakdown.isBound;
  }

  /** One line: the failure, the total and whether it is a bound, with what keeps it from one. */
  public summary(): string {
    const total = this.total.toSeconds({ integral: false });
    const kind = this.isBound ? 'a bound' : `typical, not a bound (${this.breakdown.unboundSteps.join(', ')})`;
    const data = this.dataWithoutCopy ? '; the database has no copy outside the region'
      : this.dataLoss ? `; data loss ${this.dataLoss.total.toSeconds({ integral: false })} s of writes, ${this.dataLoss.isBound ? 'a bound' : 'typical'}` : '';
    return `${this.description}: ${total} s, ${kind}${data}`;
  }
}

/**
 * A service's failover time per failure. The figure to state is the worst failure's, with whether
 * it is a bound.
 */
export class ServiceFailoverTimes {
  /** Every failure the service can have, in the order of `ServiceFailure`. */
  public readonly failures: FailureFailoverTime[];

  constructor(failures: FailureFailoverTime[]) {
    this.failures = failures;
  }

  /** The chain of one failure, or undefined when the service cannot have it (no cache, say). */
  public of(failure: ServiceFailure): FailureFailoverTime | undefined {
    return this.failures.find((f) => f.failure === failure);
  }

  /** The failure with the longest chain. */
  public get worst(): FailureFailoverTime {
    return this.failures.reduce((a, b) => (b.total.toSeconds({ integral: false }) > a.total.toSeconds({ integral: false }) ? b : a));
  }

  /** The headline: the worst failure, its figure, and whether that figure is a bound. */
  public headline(): string {
    return `worst failure: ${this.worst.summary()}`;
  }

  /** Every failure's chain, one block each. */
  public render(indent: string = ''): string {
    return this.failures.map((f) => `${indent}${f.summary()}\n${f.breakdown.render(`${indent}  `)}`).join('\n');
  }
}
