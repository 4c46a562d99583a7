/**
 * `HealthCheckProfile`: one health check (protocol, path, codes, timing) for ELB, Route 53, the
 * accelerator and the monitor, its presets, and the timing rules every tier applies.
 */
import { Duration, Token, Tokenization } from 'aws-cdk-lib';
import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import { ValidationIssue } from './errors';
import { LoadBalancerType, describeType } from './load-balancer-type';
import { Validator, formatSeconds } from './validation';

/**
 * How a health check talks to a target.
 */
export enum HealthCheckProtocol {
  /** Layer 4: the target is healthy when a TCP connection opens. */
  TCP = 'TCP',
  /** Layer 7: the target is healthy when `path` answers with one of `successCodes`. */
  HTTP = 'HTTP',
  /** As HTTP, over TLS. Certificates are not verified by ELB health checks. */
  HTTPS = 'HTTPS',
}

/**
 * Named timings. Each preset's detection time is `interval × unhealthyThreshold + timeout` and its
 * recovery time `interval × healthyThreshold`.
 */
export enum HealthCheckPreset {
  /**
   * Interval 5 s, timeout 2 s, healthy after 2, unhealthy after 2.
   * Detection 12 s, recovery 10 s. For targets that answer health checks in well under 2 s.
   */
  FAST = 'FAST',
  /**
   * Interval 10 s, timeout 5 s, healthy after 3, unhealthy after 3.
   * Detection 35 s, recovery 30 s.
   */
  STANDARD = 'STANDARD',
  /**
   * Interval 30 s, timeout 10 s, healthy after 5, unhealthy after 3.
   * Detection 100 s, recovery 150 s. For slow or bursty targets where a false failover costs more
   * than a slow one.
   */
  CONSERVATIVE = 'CONSERVATIVE',
}

interface Timing {
  readonly interval: number;
  readonly timeout: number;
  readonly healthyThreshold: number;
  readonly unhealthyThreshold: number;
}

const PRESET_TIMINGS: Record<HealthCheckPreset, Timing> = {
  [HealthCheckPreset.FAST]: { interval: 5, timeout: 2, healthyThreshold: 2, unhealthyThreshold: 2 },
  [HealthCheckPreset.STANDARD]: { interval: 10, timeout: 5, healthyThreshold: 3, unhealthyThreshold: 3 },
  [HealthCheckPreset.CONSERVATIVE]: { interval: 30, timeout: 10, healthyThreshold: 5, unhealthyThreshold: 3 },
};

/**
 * Timing of a health check. Any value not given comes from the preset.
 */
export interface HealthCheckTimingOptions {
  /**
   * The preset the other timing values start from.
   * @default HealthCheckPreset.STANDARD
   */
  readonly preset?: HealthCheckPreset;

  /**
   * Time between two checks of one target. ELB: 5 to 300 seconds.
   * @default - the preset's interval
   */
  readonly interval?: Duration;

  /**
   * Time without an answer after which one check fails. ELB: 2 to 120 seconds, and below the
   * interval for HTTP(S) checks (at most the interval for TCP checks).
   * @default - the preset's timeout
   */
  readonly timeout?: Duration;

  /**
   * Consecutive successes before an unhealthy target is healthy again (rise). ELB: 2 to 10.
   * @default - the preset's healthy threshold
   */
  readonly healthyThreshold?: number;

  /**
   * Consecutive failures before a healthy target is taken out (fall). ELB: 2 to 10.
   * @default - the preset's unhealthy threshold
   */
  readonly unhealthyThreshold?: number;

  /**
   * Port the check connects to. 1 to 65535.
   * @default - the port the target receives traffic on
   */
  readonly port?: number;
}

/**
 * An HTTP or HTTPS health check.
 */
export interface HttpHealthCheckOptions extends HealthCheckTimingOptions {
  /**
   * Path requested. Starts with `/`, at most 1024 characters.
   * @default '/'
   */
  readonly path?: string;

  /**
   * HTTP codes that count as healthy: a code (`200`), a list (`200,204`) or a range (`200-299`).
   * 200 to 499 on an Application Load Balancer, 200 to 599 on a Network Load Balancer.
   * @default '200'
   */
  readonly successCodes?: string;
}

/**
 * Every setting of a health check, with the protocol chosen by a prop.
 */
export interface HealthCheckProfileProps extends HttpHealthCheckOptions {
  /**
   * How the check talks to the target. `path` and `successCodes` only apply to HTTP and HTTPS.
   */
  readonly protocol: HealthCheckProtocol;
}

const MAX_PATH_LENGTH = 1024;
const CODE_LIST = /^\d{3}(-\d{3})?(,\d{3}(-\d{3})?)*$/;

/**
 * One description of a health check that every tier reuses: ELB target groups, Route 53 health
 * checks and the leader-elected monitor each translate it to their own limits.
 *
 * Values are checked against AWS's ranges by the construct that applies the profile, so the error
 * names that construct's path and the load balancer type the limits come from.
 */
export class HealthCheckProfile {
  /** An HTTP check of `path` (default `/`). */
  public static http(options: HttpHealthCheckOptions = {}): HealthCheckProfile {
    return new HealthCheckProfile({ ...options, protocol: HealthCheckProtocol.HTTP });
  }

  /** An HTTPS check of `path` (default `/`). */
  public static https(options: HttpHealthCheckOptions = {}): HealthCheckProfile {
    return new HealthCheckProfile({ ...options, protocol: HealthCheckProtocol.HTTPS });
  }

  /** A TCP connect check: no path, no status codes. */
  public static tcp(options: HealthCheckTimingOptions = {}): HealthCheckProfile {
    return new HealthCheckProfile({ ...options, protocol: HealthCheckProtocol.TCP });
  }

  /** Any protocol, chosen at run time. */
  public static of(props: HealthCheckProfileProps): HealthCheckProfile {
    return new HealthCheckProfile(props);
  }

  /** What a check asks of a target. */
  public readonly protocol: HealthCheckProtocol;
  /** The preset the timing started from. */
  public readonly preset: HealthCheckPreset;
  /** Time between two checks of one target. */
  public readonly interval: Duration;
  /** Time without an answer after which one check fails. */
  public readonly timeout: Duration;
  /** Consecutive successes before an unhealthy target is healthy again. */
  public readonly healthyThreshold: number;
  /** Consecutive failures before a healthy target is taken out. */
  public readonly unhealthyThreshold: number;

  /** Requested path; undefined for TCP checks. */
  public readonly path?: string;

  /** Healthy HTTP codes; undefined for TCP checks. */
  public readonly successCodes?: string;

  /** Port checked; undefined means the traffic port. */
  public readonly port?: number;

  private readonly explicitPath: boolean;
  private readonly explicitCodes: boolean;

  private constructor(props: HealthCheckProfileProps) {
    const preset = props.preset ?? HealthCheckPreset.STANDARD;
    const base = PRESET_TIMINGS[preset];
    const isHttp = props.protocol !== HealthCheckProtocol.TCP;

    this.protocol = props.protocol;
    this.preset = preset;
    this.interval = props.interval ?? Duration.seconds(base.interval);
    this.timeout = props.timeout ?? Duration.seconds(base.timeout);
    this.healthyThreshold = props.healthyThreshold ?? base.healthyThreshold;
    this.unhealthyThreshold = props.unhealthyThreshold ?? base.unhealthyThreshold;
    this.port = props.port;
    this.explicitPath = props.path !== undefined;
    this.explicitCodes = props.successCodes !== undefined;
    this.path = props.path ?? (isHttp ? '/' : undefined);
    this.successCodes = props.successCodes ?? (isHttp ? '200' : undefined);
  }

  /**
   * Worst case from a target dying to the load balancer taking it out:
   * `interval × unhealthyThreshold + timeout`.
   *
   * The target dies just after answering a check. The next check starts one interval later; the
   * `unhealthyThreshold`-th failing check starts `interval × unhealthyThreshold` after the last
   * success and is declared failed `timeout` later.
   */
  public get detectionTime(): Duration {
    return Duration.seconds(this.intervalSeconds() * this.unhealthyThreshold + this.timeout.toSeconds({ integral: false }));
  }

  /**
   * Worst case from a target recovering to the load balancer sending it traffic again:
   * `interval × healthyThreshold`.
   *
   * The target recovers just after a check started (that check still fails); each following
   * check succeeds, and the `healthyThreshold`-th one returns it to service.
   */
  public get recoveryTime(): Duration {
    return Duration.seconds(this.intervalSeconds() * this.healthyThreshold);
  }

  /**
   * This profile as an ELB v2 target group health check.
   */
  public toElbHealthCheck(): elbv2.HealthCheck {
    const isHttp = this.protocol !== HealthCheckProtocol.TCP;
    return {
      enabled: true,
      protocol: elbv2.Protocol[this.protocol],
      path: isHttp ? this.path : undefined,
      healthyHttpCodes: isHttp ? this.successCodes : undefined,
      port: this.port === undefined ? undefined : Tokenization.stringifyNumber(this.port),
      interval: this.interval,
      timeout: this.timeout,
      healthyThresholdCount: this.healthyThreshold,
      unhealthyThresholdCount: this.unhealthyThreshold,
    };
  }

  /**
   * Every value of this profile that a load balancer of `type` would refuse. Props are named
   * relative to the profile (`interval`, `successCodes`...). Unresolved tokens are skipped.
   */
  public validateFor(type: LoadBalancerType): ValidationIssue[] {
    const v = new Validator();
    const lb = describeType(type);
    const isHttp = this.protocol !== HealthCheckProtocol.TCP;

    if (type === LoadBalancerType.APPLICATION && !isHttp) {
      v.add('protocol', this.protocol, `HTTP or HTTPS on ${lb} (TCP checks are for Network Load Balancers)`);
    }
    v.seconds('interval', this.interval, 5, 300);
    v.seconds('timeout', this.timeout, 2, 120);
    this.checkTimeoutBelowInterval(v, isHttp);
    v.integer('healthyThreshold', this.healthyThreshold, 2, 10);
    v.integer('unhealthyThreshold', this.unhealthyThreshold, 2, 10);
    v.integer('port', this.port, 1, 65535);

    if (!isHttp) {
      if (this.explicitPath) v.add('path', JSON.stringify(this.path), 'no path on a TCP check');
      if (this.explicitCodes) v.add('successCodes', JSON.stringify(this.successCodes), 'no success codes on a TCP check');
      return [...v.issues];
    }
    this.checkPath(v);
    this.checkSuccessCodes(v, type === LoadBalancerType.APPLICATION ? 499 : 599, lb);
    return [...v.issues];
  }

  /**
   * Every value of this profile that the leader-elected monitor would refuse. It probes from
   * inside one invocation, so every 1 to 60 s, and a probe must end before the next is due. Props
   * are named relative to the profile; unresolved tokens are skipped.
   * @internal
   */
  public _validateForMonitor(): ValidationIssue[] {
    const v = new Validator();
    if (!this.interval.isUnresolved()) {
      const interval = this.intervalSeconds();
      if (interval < 1 || interval > 60) v.add('interval', formatSeconds(this.interval), '1 to 60 seconds: the monitor probes from inside one invocation');
    }
    if (!this.timeout.isUnresolved() && !this.interval.isUnresolved() && (this.timeout.toMilliseconds() < 100 || !this.timeoutFitsInterval(true))) {
      v.add('timeout', formatSeconds(this.timeout), `0.1 s to below the interval (${formatSeconds(this.interval)}), so that a probe ends before the next is due`);
    }
    v.integer('healthyThreshold', this.healthyThreshold, 1, 10);
    v.integer('unhealthyThreshold', this.unhealthyThreshold, 1, 10);
    if (this.port !== undefined) v.add('port', String(this.port), 'no port: the monitor probes each target group on its health check\'s port and each endpoint on its own');
    return [...v.issues];
  }

  /**
   * Every value of this profile that a Route 53 health check would refuse: a request interval of
   * 10 or 30 s, a failure threshold of 1 to 10, a resource path of at most 255 characters (Route 53
   * API Reference, HealthCheckConfig,
   * https://docs.aws.amazon.com/Route53/latest/APIReference/API_HealthCheckConfig.html). Route 53
   * has fixed timeouts and one threshold both ways, so `timeout` and `healthyThreshold` do not
   * apply. Props are named relative to the profile; unresolved tokens are skipped.
   * @internal
   */
  public _validateForRoute53(): ValidationIssue[] {
    const v = new Validator();
    if (!this.interval.isUnresolved() && ![10, 30].includes(this.intervalSeconds())) {
      v.add('interval', formatSeconds(this.interval), '10 s (fast, billed as an optional feature) or 30 s: the only Route 53 request intervals');
    }
    v.integer('unhealthyThreshold', this.unhealthyThreshold, 1, 10, 'an integer from 1 to 10 (the Route 53 failure threshold)');
    v.integer('port', this.port, 1, 65535);
    const path = this.path;
    if (this.protocol !== HealthCheckProtocol.TCP && path !== undefined && !Token.isUnresolved(path) && (path.length > 255 || !path.startsWith('/'))) {
      v.add('path', JSON.stringify(path), 'a path starting with "/", at most 255 characters (Route 53)');
    }
    return [...v.issues];
  }

  private intervalSeconds(): number {
    return this.interval.toSeconds({ integral: false });
  }

  /**
   * The one rule every tier applies to timing: a check ends before the next is due (`strict`), or
   * at the latest when it is due.
   */
  private timeoutFitsInterval(strict: boolean): boolean {
    const timeout = this.timeout.toMilliseconds({ integral: false });
    const interval = this.interval.toMilliseconds({ integral: false });
    return strict ? timeout < interval : timeout <= interval;
  }

  private checkTimeoutBelowInterval(v: Validator, isHttp: boolean): void {
    if (this.interval.isUnresolved() || this.timeout.isUnresolved()) return;
    const timeout = this.timeout.toSeconds({ integral: false });
    const interval = this.intervalSeconds();
    if (!this.timeoutFitsInterval(isHttp)) {
      const rule = isHttp ? 'below' : 'at most';
      v.add('timeout', `${timeout} s with an interval of ${interval} s`, `a timeout ${rule} the interval for ${this.protocol} checks`);
    }
  }

  private checkPath(v: Validator): void {
    const path = this.path;
    if (path === undefined || Token.isUnresolved(path)) return;
    if (!path.startsWith('/') || path.length > MAX_PATH_LENGTH) {
      v.add('path', JSON.stringify(path), `a path starting with "/", at most ${MAX_PATH_LENGTH} characters`);
    }
  }

  private checkSuccessCodes(v: Validator, max: number, lb: string): void {
    const codes = this.successCodes;
    if (codes === undefined || Token.isUnresolved(codes)) return;
    const allowed = `codes from 200 to ${max} on ${lb}, as "200", "200,204" or "200-299"`;
    if (!CODE_LIST.test(codes)) {
      v.add('successCodes', JSON.stringify(codes), allowed);
      return;
    }
    for (const part of codes.split(',')) {
      const [low, high = low] = part.split('-').map(Number);
      if (low < 200 || high > max || low > high) {
        v.add('successCodes', JSON.stringify(codes), allowed);
        return;
      }
    }
  }
}
