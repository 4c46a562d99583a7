/**
 * `HighlyAvailableService`: every tier composed, one alarm topic for all of them, and the
 * service's failover time per failure checked against its budget.
 */
import { Annotations, Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as cwActions from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as sns from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
import { createEncryptedTopic } from '../core/alarm-topic';
import { AlarmOptions, withActions } from '../core/alarms';
import { securityGroupDescription } from '../core/descriptions';
import { Validator, formatSeconds } from '../core/validation';
import { DnsFailover } from '../dns/dns-failover';
import { DnsFailoverOptions } from '../dns/dns-failover-props';
import { FailoverTarget } from '../dns/failover-target';
import { HaLoadBalancer } from '../load-balancing/ha-load-balancer';
import { HaLoadBalancerOptions } from '../load-balancing/props';
import { LeaderHealthMonitor } from '../monitoring/leader-health-monitor';
import { LeaderHealthMonitorOptions } from '../monitoring/props';
import { ReplicatedCacheOptions } from '../replication/cache-props';
import { ReplicatedDatabaseOptions } from '../replication/database-props';
import { ReplicatedCache } from '../replication/replicated-cache';
import { ReplicatedDatabase } from '../replication/replicated-database';
import { VipFailover, VipFailoverOptions } from '../vip/vip-failover';
import { ClientDelays, ServiceFailoverTimes } from './failure-times';
import { cheapestServiceChange, serviceFailures } from './service-failover';
import { ZoneCapacity } from './zone-capacity';

/**
 * Props of a `HighlyAvailableService`.
 */
export interface HighlyAvailableServiceProps {
  /** The VPC of every tier. */
  readonly vpc: ec2.IVpc;

  /** The load balancer in front of the service: type, listener, target groups and routes. */
  readonly loadBalancer: HaLoadBalancerOptions;

  /**
   * The security group of the service's tasks or instances: the load balancer and the monitor
   * may reach it on its target ports, and it may reach the cache and the database.
   * @default - a new security group whose only outbound rule is HTTPS (image pulls, logs, AWS
   * APIs), besides what the tiers allow
   */
  readonly serviceSecurityGroup?: ec2.ISecurityGroup;

  /**
   * A name that fails over from this service's load balancer to a standby.
   * @default - no DNS failover
   */
  readonly dns?: DnsFailoverOptions;

  /**
   * A virtual IP in front of this service's load balancer and a standby's: an AWS Global
   * Accelerator. With `dns` too, the slower of the two paths counts in `failoverTime`.
   * @default - no virtual IP
   */
  readonly vip?: VipFailoverOptions;

  /**
   * A replicated cache for the service.
   * @default - no cache
   */
  readonly cache?: ReplicatedCacheOptions;

  /**
   * A replicated database for the service.
   * @default - no database
   */
  readonly database?: ReplicatedDatabaseOptions;

  /**
   * Create the leader-elected health monitor. It watches the target groups of IP targets and
   * fails the DNS name over.
   * @default true
   */
  readonly monitorEnabled?: boolean;

  /**
   * Settings of the monitor.
   * @default - the LeaderHealthMonitor's defaults
   */
  readonly monitor?: LeaderHealthMonitorOptions;

  /**
   * Where every alarm of every tier goes, on ALARM and on OK (besides the actions a tier's
   * `alarms` names), and the monitor's alerts unless `monitor.alertTopic` says otherwise. A topic
   * of your own, e.g. one an incident tool subscribes to, must let CloudWatch alarms publish (and
   * use its key, if encrypted).
   * @default - a new topic, encrypted with a new KMS key, TLS only, open to this account's alarms
   */
  readonly alarmTopic?: sns.ITopic;

  /**
   * Longest acceptable failover, for each failure the service can have (see `failoverTime`): a
   * target, the database writer, the cache primary, the primary region. Synth fails when one
   * failure's chain cannot meet it, naming that failure, with its steps and the cheapest change
   * that would.
   * @default - not checked
   */
  readonly failoverBudget?: Duration;

  /**
   * Most data the service may lose in any failure, as a duration of writes. Synth fails when a
   * failure's modelled loss exceeds it (the database writer's: 0 s with a standby; the primary
   * region's: the global database's lag, bounded with Aurora PostgreSQL's
   * `recoveryPointObjective`), or when a failure takes data with no copy elsewhere (a region lost
   * with a database that is not global). The cache is not counted: it is rebuilt from the
   * database.
   * @default - not checked
   */
  readonly dataLossBudget?: Duration;

  /**
   * The delays of your own clients after a failover: resolvers caching past the TTL, connections
   * kept open to the old load balancer, connection pools to the old writer. Each failure that goes
   * through one counts it; one not stated counts as 0 s and keeps that failure's figure from
   * being a bound.
   * @default - none stated
   */
  readonly clientDelays?: ClientDelays;
}

/**
 * The high-availability playbook for one service: an HaLoadBalancer in front of it, optionally a
 * DnsFailover name to a standby, a ReplicatedCache and a ReplicatedDatabase only the service
 * reaches, and a LeaderHealthMonitor that watches the targets and fails the name over fast.
 *
 * The service itself is yours: add an ECS service, an Auto Scaling group, IP addresses or a
 * Lambda function with `addTargets()`, and give it `serviceSecurityGroup`.
 *
 * Failover time (`failoverTime`) is given per failure, each with its own chain: a target (the
 * load balancer's detection), the database writer and the cache primary (the tier's failover,
 * then the clients' reconnect), the primary region (the slower of the name's and the virtual
 * IP's paths, then the clients' caches and connections). No failure goes through every tier.
 */
export class HighlyAvailableService extends Construct implements ec2.IConnectable {
  /** The load balancer. */
  public readonly loadBalancer: HaLoadBalancer;

  /** The service's security group. */
  public readonly serviceSecurityGroup: ec2.ISecurityGroup;

  /** The service's network access (its security group). */
  public readonly connections: ec2.Connections;

  /** The failover name, with `dns`. */
  public readonly dns?: DnsFailover;

  /** The virtual IP, with `vip`. */
  public readonly vip?: VipFailover;

  /** The cache, with `cache`. */
  public readonly cache?: ReplicatedCache;

  /** The database, with `database`. */
  public readonly database?: ReplicatedDatabase;

  /** Where every tier's alarms go. */
  public readonly alarmTopic: sns.ITopic;

  /** The key of the alarm topic, when the service created it. */
  public readonly alarmTopicKey?: kms.Key;

  /** The health monitor, unless disabled or no target group holds IP targets. */
  public readonly monitor?: LeaderHealthMonitor;

  /**
   * Failover time of the service per failure, each failure's chain step by step. The region's
   * loss counts the database's secondaries built so far (in another region's stack): read it
   * once the app is built.
   */
  public get failoverTime(): ServiceFailoverTimes {
    return serviceFailures(this, this.clientDelays);
  }

  private readonly clientDelays: ClientDelays;

  /** The capacity checked for the loss of a zone, with `addZoneCapacity`. */
  public get zoneCapacity(): ZoneCapacity | undefined {
    return this._zoneCapacity;
  }

  private _zoneCapacity?: ZoneCapacity;

  /**
   * Checks that losing the service's largest Availability Zone leaves at least the load it states
   * (N+1 per zone): the compute is read from an ECS service or an Auto Scaling group created with
   * the service's target groups, so it is given after the service. A capacity that does not
   * survive the loss of a zone is refused, with the numbers and the change that fixes it: zonal
   * shift and autoshift move the traffic out of a zone, and the other zones must carry it.
   */
  public addZoneCapacity(capacity: ZoneCapacity): void {
    const v = new Validator();
    capacity._validate(v, 'zoneCapacity');
    v.throwIfAny(this, 'arguments');
    this._zoneCapacity = capacity;
  }

  constructor(scope: Construct, id: string, props: HighlyAvailableServiceProps) {
    super(scope, id);
    const v = new Validator();
    if (props.monitorEnabled === false && props.monitor !== undefined) {
      v.add('monitor', 'settings for a monitor while monitorEnabled is false', 'monitor settings only with the monitor enabled');
    }
    if (props.failoverBudget && !props.failoverBudget.isUnresolved() && props.failoverBudget.toMilliseconds() <= 0) {
      v.add('failoverBudget', formatSeconds(props.failoverBudget), 'a positive duration');
    }
    v.throwIfAny(this);

    if (props.alarmTopic) {
      this.alarmTopic = props.alarmTopic;
    } else {
      const { topic, key } = createEncryptedTopic(this, 'AlarmsKey', 'Alarms', `the alarms of ${this.node.path}`);
      this.alarmTopic = topic;
      this.alarmTopicKey = key;
    }
    const notify = new cwActions.SnsAction(this.alarmTopic);
    const toTopic = (options: AlarmOptions | undefined): AlarmOptions => withActions(options, [notify]);

    this.loadBalancer = new HaLoadBalancer(this, 'LoadBalancer', { ...props.loadBalancer, vpc: props.vpc, alarms: toTopic(props.loadBalancer.alarms) });
    if (props.serviceSecurityGroup) {
      this.serviceSecurityGroup = props.serviceSecurityGroup;
    } else {
      this.serviceSecurityGroup = new ec2.SecurityGroup(this, 'ServiceSecurityGroup', {
        vpc: props.vpc,
        description: securityGroupDescription(`${this.node.path} service tasks or instances`),
        allowAllOutbound: false,
      });
      // Without it, tasks could not pull their image or send their logs; the cache and database
      // ports are added below, and nothing else.
      this.serviceSecurityGroup.addEgressRule(ec2.Peer.anyIpv4(), ec2.Port.tcp(443), 'HTTPS: image pulls, logs and AWS APIs');
    }
    this.connections = new ec2.Connections({ securityGroups: [this.serviceSecurityGroup] });
    const groupNames = this.loadBalancer.targetGroupNames;
    for (const name of groupNames) this.loadBalancer.allowTargetTraffic(name, this.serviceSecurityGroup);

    if (props.cache) {
      this.cache = new ReplicatedCache(this, 'Cache', { ...props.cache, vpc: props.vpc, alarms: toTopic(props.cache.alarms) });
      this.cache.connections.allowDefaultPortFrom(this.serviceSecurityGroup, securityGroupDescription(`${this.node.path} service`));
    }
    if (props.database) {
      this.database = new ReplicatedDatabase(this, 'Database', { ...props.database, vpc: props.vpc, alarms: toTopic(props.database.alarms) });
      this.database.connections.allowDefaultPortFrom(this.serviceSecurityGroup, securityGroupDescription(`${this.node.path} service`));
    }
    if (props.dns) {
      this.dns = new DnsFailover(this, 'Dns', {
        ...props.dns,
        primary: FailoverTarget.loadBalancer(this.loadBalancer),
        alarms: toTopic(props.dns.alarms),
      });
    }

    if (props.vip) {
      this.vip = new VipFailover(this, 'Vip', { ...props.vip, primary: this.loadBalancer, alarms: toTopic(props.vip.alarms) });
    }

    const watched = groupNames.filter((name) => this.loadBalancer.targetGroupOptions(name).targetType === elbv2.TargetType.IP);
    if (props.monitorEnabled !== false) {
      if (watched.length === 0 && (props.monitor?.endpoints ?? []).length === 0) {
        Annotations.of(this).addWarningV2('cdk-ha-kit:monitorWithoutTargets',
          'No health monitor: no target group is declared with targetType IP and no endpoint is given, so there is nothing it could probe. Declare the IP target groups, or set monitorEnabled to false.');
      } else {
        const alertTopic = props.monitor?.alertTopic ?? this.alarmTopic;
        this.monitor = new LeaderHealthMonitor(this, 'Monitor', {
          ...props.monitor,
          // Alerts go to the service's topic unless told otherwise; the monitor's own alarms go
          // where its alerts go, and to the service's topic.
          alertTopic,
          alarms: { ...props.monitor?.alarms, actions: [...(props.monitor?.alarms?.actions ?? (alertTopic === this.alarmTopic ? [] : [new cwActions.SnsAction(alertTopic)])), notify] },
          vpc: props.vpc,
          targetGroups: watched.map((targetGroupName) => ({ loadBalancer: this.loadBalancer, targetGroupName })),
          dnsFailover: watched.length > 0 ? this.dns : undefined,
          vipFailover: watched.length > 0 ? this.vip : undefined,
        });
        for (const port of new Set(watched.map((name) => this.probePort(name)))) {
          this.serviceSecurityGroup.connections.allowFrom(this.monitor, ec2.Port.tcp(port), securityGroupDescription(`${this.monitor.node.path} health probes`));
        }
      }
    }

    this.clientDelays = props.clientDelays ?? {};
    const budgets = (): Validator => {
      const found = new Validator();
      if (props.failoverBudget) this.checkBudget(found, props.failoverBudget);
      if (props.dataLossBudget) this.checkDataLoss(found, props.dataLossBudget);
      return found;
    };
    budgets().throwIfAny(this);
    // A headless secondary built later, in the standby region's stack, lengthens the region's
    // loss: the budgets are checked again once the app is built.
    this.node.addValidation({ validate: () => budgets().issues.map((i) => `${i.prop}: got ${i.value}; allowed: ${i.allowed}`) });
  }

  /**
   * The worst failure's failover time.
   * @deprecated use `failoverTime.worst`, which names the failure and says whether it is a bound
   */
  public get worstCaseFailoverTime(): Duration {
    return this.failoverTime.worst.total;
  }

  /** Every alarm the tiers created. */
  public get alarms(): cloudwatch.Alarm[] {
    return [
      ...this.loadBalancer.alarms,
      ...(this.dns?.alarms ?? []),
      ...(this.vip?.alarms ?? []),
      ...(this.cache?.alarms ?? []),
      ...(this.database?.alarms ?? []),
      ...(this.monitor?.alarms ?? []),
    ];
  }

  /**
   * Registers targets in a target group of an Application Load Balancer: an ECS service
   * (`service.loadBalancerTarget(...)`), an Auto Scaling group, `IpTarget`s or a `LambdaTarget`.
   */
  public addTargets(targetGroupName: string, targets: elbv2.IApplicationLoadBalancerTarget[]): void {
    this.loadBalancer.applicationTargetGroup(targetGroupName).addTarget(...targets);
  }

  /** Registers targets in a target group of a Network Load Balancer. */
  public addNetworkTargets(targetGroupName: string, targets: elbv2.INetworkLoadBalancerTarget[]): void {
    this.loadBalancer.networkTargetGroup(targetGroupName).addTarget(...targets);
  }

  private probePort(groupName: string): number {
    // Watched groups hold IP targets, which have a port.
    return this.loadBalancer.healthCheck(groupName).port ?? this.loadBalancer.targetGroupOptions(groupName).port!;
  }

  private checkBudget(v: Validator, budget: Duration): void {
    if (budget.isUnresolved()) return;
    const budgetSeconds = budget.toSeconds({ integral: false });
    for (const failure of this.failoverTime.failures) {
      const total = failure.total.toSeconds({ integral: false });
      if (total <= budgetSeconds) continue;
      const change = cheapestServiceChange(this, this.clientDelays, failure, budgetSeconds);
      const advice = change
        ? `cheapest change that meets it: ${change.changes.join('; and ')}, for a total of ${change.totalSeconds} s`
        : 'no change this library knows of meets it: give the tier a measured failover time (measuredFailoverTime), shorten the client delays, or raise the budget';
      v.add('failoverBudget', formatSeconds(budget),
        `at least ${total} s when ${failure.description} (${failure.isBound ? 'a bound' : 'typical'}):\n${failure.breakdown.render('    ')}\n    ${advice}`);
    }
  }

  private checkDataLoss(v: Validator, budget: Duration): void {
    if (budget.isUnresolved()) return;
    const budgetSeconds = budget.toSeconds({ integral: false });
    for (const failure of this.failoverTime.failures) {
      const when = failure.description;
      if (failure.dataWithoutCopy) {
        v.add('dataLossBudget', formatSeconds(budget), `a database with a copy outside the primary region: when ${when}, its data has none. `
          + 'Make it global (database.global: GlobalDatabase.primary()) with a secondary in the standby region (GlobalDatabase.secondaryOf)');
        continue;
      }
      const loss = failure.dataLoss;
      if (!loss || loss.total.toSeconds({ integral: false }) <= budgetSeconds) continue;
      const engineType = this.database?.engine.engineType;
      const advice = engineType === 'aurora-postgresql' && budgetSeconds >= 20
        ? `cheapest change that meets it: database.global: GlobalDatabase.primary({ recoveryPointObjective: Duration.seconds(${Math.floor(budgetSeconds)}) }) (Aurora PostgreSQL's managed RPO; commits wait while no secondary is within it)`
        : 'no setting this library knows of meets it: Aurora PostgreSQL\'s managed RPO takes 20 s at least, and Aurora MySQL has none';
      v.add('dataLossBudget', formatSeconds(budget),
        `at least ${loss.total.toSeconds({ integral: false })} s of writes when ${when} (${loss.isBound ? 'a bound' : 'typical'}):\n${loss.render('    ')}\n    ${advice}`);
    }
  }
}
