/** The props of a RegionSwitchPlan, and who approves its executions. */
import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as iam from 'aws-cdk-lib/aws-iam';
import { MeasuredFailoverTime } from '../core/failover-time';
import { DnsFailover } from '../dns/dns-failover';
import { RegionSwitchRegion } from './region-switch-region';

/** Whether a plan's workflows wait for a person before they act. */
export enum PlanApprovalType {
  /** An approval step first: a person who can assume the approval role approves the execution. */
  MANUAL = 'MANUAL',
  /** No approval step: the workflow acts as soon as it is started. */
  AUTOMATIC = 'AUTOMATIC',
}

/**
 * Who decides that a region switch goes ahead. A failover can lose the writes the secondary had
 * not received: by default a person decides.
 */
export class PlanApproval {
  /**
   * An approval step first, approved by a principal that can assume `role` (ARC's
   * `ExecutionApprovalConfig`). The plan grants the role `ApprovePlanExecutionStep` on itself.
   * @param role the approval role
   * @param timeout how long the step waits for an approval: whole minutes, at least 1
   */
  public static byRole(role: iam.IRole, timeout?: Duration): PlanApproval {
    return new PlanApproval(PlanApprovalType.MANUAL, role, timeout);
  }

  /**
   * An approval step first, approved by a principal of this account that can assume the new
   * approval role the plan creates (`RegionSwitchPlan.approvalRole`).
   * @param timeout how long the step waits for an approval: whole minutes, at least 1
   */
  public static manual(timeout?: Duration): PlanApproval {
    return new PlanApproval(PlanApprovalType.MANUAL, undefined, timeout);
  }

  /** No approval step: the workflow acts as soon as it is started. */
  public static automatic(): PlanApproval {
    return new PlanApproval(PlanApprovalType.AUTOMATIC, undefined, undefined);
  }

  /** Manual or automatic. */
  public readonly type: PlanApprovalType;
  /** The approval role given, if any. */
  public readonly role?: iam.IRole;
  /** How long the approval step waits. */
  public readonly timeout?: Duration;

  private constructor(type: PlanApprovalType, role: iam.IRole | undefined, timeout: Duration | undefined) {
    this.type = type;
    this.role = role;
    this.timeout = timeout;
  }
}

/**
 * What starts the standby's activation without a person: CloudWatch alarms in quorum. ARC fires
 * a trigger when all its conditions are met ("The conditions that must be met for the trigger to
 * fire", API Reference, Trigger), so a quorum of alarms from independent vantage points, e.g. the
 * primary's Route 53 health check (checkers in many locations) and an alarm the standby raises on
 * its own view of the primary, keeps one vantage point from starting a failover that may lose
 * data. With a manual approval, a trigger starts the execution, which then waits for a person.
 */
export class PlanTrigger {
  /**
   * Start the standby's activation when every one of `alarms` is in ALARM.
   * @param alarms two to ten alarms, each from a vantage point of its own
   * @param minDelayBetweenExecutions the least time between two executions the trigger starts:
   *   whole minutes
   */
  public static quorum(alarms: cloudwatch.IAlarm[], minDelayBetweenExecutions: Duration = Duration.hours(1)): PlanTrigger {
    return new PlanTrigger(alarms, minDelayBetweenExecutions);
  }

  /** The alarms that must all be in ALARM. */
  public readonly alarms: cloudwatch.IAlarm[];
  /** The least time between two executions. */
  public readonly minDelayBetweenExecutions: Duration;

  private constructor(alarms: cloudwatch.IAlarm[], minDelay: Duration) {
    this.alarms = alarms;
    this.minDelayBetweenExecutions = minDelay;
  }
}

/**
 * Props of a `RegionSwitchPlan`.
 */
export interface RegionSwitchPlanProps {
  /** The region that runs the application; its workflow is the failback. */
  readonly primary: RegionSwitchRegion;

  /** The region the plan fails over to. */
  readonly standby: RegionSwitchRegion;

  /**
   * The plan's name: 1 to 32 letters, digits and hyphens, starting and ending with a letter or a
   * digit. Unique in the account.
   * @default - from the construct's path
   */
  readonly planName?: string;

  /**
   * Who decides that an execution goes ahead.
   * @default PlanApproval.manual(): an approval step, approved through a new approval role
   */
  readonly approval?: PlanApproval;

  /**
   * What starts the standby's activation without a person: a quorum of alarms. The failback is
   * never triggered.
   * @default - none: a person starts every execution
   */
  readonly trigger?: PlanTrigger;

  /**
   * Tasks the activated region's ECS services run, as a percentage of what the other region
   * ran (ARC's `targetPercent`): 1 to 100.
   * @default 100
   */
  readonly capacityPercent?: number;

  /**
   * The name that fails over between the two regions, its PRIMARY record in the primary region
   * and its SECONDARY in the standby. The plan then moves traffic itself, after the data: ARC's
   * Route 53 health check step turns the health check it keeps for each region, and the
   * PRIMARY record carries the primary region's check beside its own health (give its ID as the
   * failover's `regionSwitchHealthCheckId` once the plan exists). Health and the plan only ever
   * take traffic from the primary: neither can hold it there against the other.
   * @default - no traffic step: the name and the accelerator follow health alone, which moves
   * them when the primary region is lost, but not on a switchover with both regions healthy
   */
  readonly dnsFailover?: DnsFailover;

  /**
   * How long each step may take before ARC fails it: whole minutes, at least 1.
   * @default - 60 minutes for the database, 15 for the cache, the capacity and the traffic
   */
  readonly stepTimeouts?: RegionSwitchStepTimeouts;

  /**
   * In an ungraceful execution (the other region lost), the cache step is skipped when it times
   * out, so that the plan completes with the database promoted (ARC's `ungraceful: skip`). The
   * cache is rebuilt from the database.
   * @default false: a cache step that times out fails the execution
   */
  readonly skipCacheWhenUngraceful?: boolean;

  /**
   * How long your approvers take, from the execution's start to the approval, as measured in a
   * game day.
   * @default - not stated: counted as 0 s, and the recovery time is not a bound
   */
  readonly measuredApprovalTime?: MeasuredFailoverTime;

  /**
   * Longest acceptable activation of the standby, from the execution's start (or the trigger's
   * alarms) to the data promoted. Synth fails when the plan's `recoveryTime` exceeds it, with its
   * steps and the changes that would meet it.
   * @default - not checked
   */
  readonly recoveryTimeBudget?: Duration;

  /**
   * Most writes a failover may lose. Synth fails when the global database's data loss with the
   * primary region (its lag, or Aurora PostgreSQL's managed RPO) exceeds it.
   * @default - not checked
   */
  readonly dataLossBudget?: Duration;

  /**
   * How long scaling the activated region's compute took when the team measured it, with where.
   * @default - 5 minutes, assumed: AWS documents no figure
   */
  readonly measuredCapacityTime?: MeasuredFailoverTime;
}

/** How long each step of a region switch may take. */
export interface RegionSwitchStepTimeouts {
  /**
   * The Aurora global database's switchover or failover.
   * @default Duration.minutes(60)
   */
  readonly database?: Duration;

  /**
   * The Global Datastore's promotion.
   * @default Duration.minutes(15)
   */
  readonly cache?: Duration;

  /**
   * The ECS services' scaling.
   * @default Duration.minutes(15)
   */
  readonly capacity?: Duration;

  /**
   * The traffic step: ARC turning its Route 53 health checks.
   * @default Duration.minutes(15)
   */
  readonly traffic?: Duration;
}
