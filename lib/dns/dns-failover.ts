/**
 * `DnsFailover`: the construct that builds a Route 53 failover pair from its plan
 * (`check-plan.ts`), after its rules (`dns-failover-rules.ts`) pass; its records, health checks,
 * alarms and failover time.
 */
import { Annotations, Duration, Stack, Token } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as route53 from 'aws-cdk-lib/aws-route53';
import { Construct } from 'constructs';
import { AlarmFactory, AlarmOptions, ONE_PERIOD, withActions } from '../core/alarms';
import { HaValidationError } from '../core/errors';
import { FailoverTimeBreakdown } from '../core/failover-time';
import { HealthCheckProtocol } from '../core/health-check-profile';
import { TtlPolicy } from '../core/ttl-policy';
import { formatSeconds } from '../core/validation';
import { HaLoadBalancer } from '../load-balancing/ha-load-balancer';
import { CheckPlan, Side, alarmHealthCheck, endpointProps, failoverModel, planExplicit, planPrimary } from './check-plan';
import { DnsFailoverProps } from './dns-failover-props';
import { validateDnsFailover } from './dns-failover-rules';
import { DnsHealthCheckType } from './dns-health-check';
import { FailoverModel, failoverBreakdown } from './failover-budget';
import { FailoverTarget } from './failover-target';
import { EndpointKind, HealthCheckCost, priceHealthCheck } from './pricing';
import { qualify, recordTarget, recordTypeOf } from './records';

const US_EAST_1 = 'us-east-1';

/**
 * The primary-unhealthy alarm raises on the first minute the check reports unhealthy: the Route 53
 * check has already counted its failure threshold by then.
 */
const DNS_ALARM_EVALUATION = ONE_PERIOD;

/**
 * A Route 53 failover pair: one name, a PRIMARY record with a health check, a SECONDARY record
 * the name fails over to, a TTL policy, and the worst-case failover time, computed and checked
 * against a budget at synth.
 *
 * Worst-case failover time = detection + propagation + TTL:
 * - detection: for a Route 53 endpoint check, request interval × failure threshold + the checker's
 *   timeout; for target health alone, the load balancer's own detection time; for the alarm-driven
 *   checks of a private zone, the load balancer's detection time + one 60 s alarm period + 60 s
 *   for the metric to arrive. With both a Route 53 check and target health, the Route 53 check is
 *   the bound: it is the only signal when the load balancer itself cannot be reached.
 * - propagation: 60 s, Route 53's documented figure for its name servers to change answers.
 * - TTL: how long resolvers may keep the cached primary answer: the record's TTL, or 60 s for an
 *   alias to a load balancer or S3 website.
 */
export class DnsFailover extends Construct {
  /** The record name, fully qualified, without the trailing dot. */
  public readonly recordName: string;

  /** A, AAAA or CNAME. */
  public readonly recordType: route53.RecordType;

  /** Where the name points while the primary is healthy. */
  public readonly primaryTarget: FailoverTarget;

  /** Where the name points while the primary is unhealthy. */
  public readonly secondaryTarget: FailoverTarget;

  /** The PRIMARY record. */
  public readonly primaryRecord: route53.RecordSet;

  /** The SECONDARY record. */
  public readonly secondaryRecord: route53.RecordSet;

  /**
   * The primary's own health check, if any. With `regionSwitchHealthCheckId`, the PRIMARY record
   * carries `primaryRecordHealthCheck` instead, which combines the two.
   */
  public readonly primaryHealthCheck?: route53.IHealthCheck;

  /**
   * The health check the PRIMARY record carries: the primary's own, or with
   * `regionSwitchHealthCheckId` a calculated check healthy only while both it and the Region
   * switch plan's check are.
   */
  public readonly primaryRecordHealthCheck?: route53.IHealthCheck;

  /** The health check attached to the SECONDARY record, if any. */
  public readonly secondaryHealthCheck?: route53.IHealthCheck;

  /** Every Route 53 health check this construct created. */
  public readonly healthChecks: route53.HealthCheck[] = [];

  /** Every CloudWatch alarm this construct created. */
  public readonly alarms: cloudwatch.Alarm[];

  /**
   * Alarm raised while the primary's health check is unhealthy. Route 53 publishes health-check
   * metrics in us-east-1 only, so it exists when this construct's stack is in us-east-1 and the
   * primary has a Route 53 health check.
   */
  public readonly primaryUnhealthyAlarm?: cloudwatch.Alarm;

  /** How the worst-case failover time is made up. */
  public readonly failoverTime: FailoverTimeBreakdown;

  /**
   * The model behind `failoverTime`, with the knobs that change it (the service's failover
   * budget searches them).
   * @internal
   */
  public readonly _failoverModel: FailoverModel;

  /** What the health checks cost per month (see `pricing.ts` for the source and date). */
  public readonly healthCheckCosts: HealthCheckCost[];

  /** Prefix of the created alarms' names. */
  public readonly alarmNamePrefix: string;

  /** Whether the zone is treated as private. */
  public readonly privateZone: boolean;

  /** The TTL policy applied. */
  public readonly ttlPolicy: TtlPolicy;

  /** TTL of non-alias records. */
  public readonly ttl: Duration;

  /** The hosted zone of the pair. */
  public readonly zone: route53.IHostedZone;

  constructor(scope: Construct, id: string, props: DnsFailoverProps) {
    super(scope, id);
    this.zone = props.zone;
    this.primaryTarget = props.primary;
    this.secondaryTarget = props.secondary;
    this.privateZone = props.privateZone ?? props.zone instanceof route53.PrivateHostedZone;
    this.ttlPolicy = props.ttlPolicy ?? (this.privateZone ? TtlPolicy.INTERNAL : TtlPolicy.EXTERNAL);
    this.ttl = props.ttl ?? this.ttlPolicy.defaultTtl;
    this.recordName = qualify(props.recordName, props.zone.zoneName);
    this.recordType = recordTypeOf(props.primary);
    const alarms = new AlarmFactory(this, alarmOptions(props), DNS_ALARM_EVALUATION);
    this.alarmNamePrefix = alarms.prefix;
    this.alarms = alarms.alarms;

    const primaryPlan = planPrimary(this, props.primary, props.primaryHealthCheck);
    const secondaryPlan = props.secondaryHealthCheck ? planExplicit(props.secondaryHealthCheck, props.secondary) : undefined;
    const model = failoverModel(this, props.primary, primaryPlan);
    this._failoverModel = model;
    this.failoverTime = failoverBreakdown(model);
    const facts = {
      scope: this, recordName: this.recordName, recordType: this.recordType, privateZone: this.privateZone,
      ttl: this.ttl, ttlPolicy: this.ttlPolicy, failoverTime: this.failoverTime, alarmEvaluation: DNS_ALARM_EVALUATION,
      duplicateOf: this.earlierPairOfTheSameName()?.node.path,
    };
    validateDnsFailover(facts, props, primaryPlan, secondaryPlan, model).throwIfAny(this);
    this.warnAboutIgnoredSettings(props, primaryPlan);

    this.primaryHealthCheck = this.createHealthCheck('primary', primaryPlan, alarms);
    this.secondaryHealthCheck = this.createHealthCheck('secondary', secondaryPlan, alarms);
    this.primaryRecordHealthCheck = this.withRegionSwitch(this.primaryHealthCheck, props.regionSwitchHealthCheckId);
    this.primaryRecord = this.createRecord('primary', props.primary, this.primaryRecordHealthCheck);
    this.secondaryRecord = this.createRecord('secondary', props.secondary, this.secondaryHealthCheck);
    this.healthCheckCosts = [
      ...this.costs('primary', primaryPlan),
      ...this.costs('secondary', secondaryPlan),
      // With the plan's check beside its own, the PRIMARY record's calculated check is one more.
      ...(props.regionSwitchHealthCheckId !== undefined && this.primaryHealthCheck ? [priceHealthCheck('primary and region switch', EndpointKind.NONE, [])] : []),
    ];
    this.primaryUnhealthyAlarm = this.createPrimaryAlarm(alarms);
  }

  /** Worst case from the primary failing to clients reaching the secondary. */
  public get worstCaseFailoverTime(): Duration {
    return this.failoverTime.total;
  }

  /** USD per month for all health checks, before the account's 50 free AWS-endpoint checks. */
  public get monthlyHealthCheckCost(): number {
    return Math.round(this.healthCheckCosts.reduce((sum, c) => sum + c.monthlyUsd, 0) * 100) / 100;
  }

  /** 1 while the primary's Route 53 health check is healthy, 0 while not (us-east-1 metric). */
  public metricPrimaryHealthCheckStatus(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.healthCheckStatus('primary', this.primaryHealthCheck, props);
  }

  /** 1 while the secondary's Route 53 health check is healthy, 0 while not (us-east-1 metric). */
  public metricSecondaryHealthCheckStatus(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.healthCheckStatus('secondary', this.secondaryHealthCheck, props);
  }

  private healthCheckStatus(side: Side, check: route53.IHealthCheck | undefined, props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    if (check === undefined) {
      throw new HaValidationError(this.node.path, [{
        prop: `metric${side === 'primary' ? 'Primary' : 'Secondary'}HealthCheckStatus()`, value: `a ${side} record without a Route 53 health check`,
        allowed: 'a record with a health check: without one there is no health-check status to measure',
      }], 'arguments');
    }
    return new cloudwatch.Metric({
      namespace: 'AWS/Route53',
      metricName: 'HealthCheckStatus',
      dimensionsMap: { HealthCheckId: check.healthCheckId },
      statistic: 'Minimum',
      period: Duration.minutes(1),
      region: US_EAST_1,
      ...props,
    });
  }

  /**
   * A pair built before this one in the app for the same zone, name and type: Route 53 keeps one
   * PRIMARY and one SECONDARY record per name and type, so a second pair would fight the first.
   */
  private earlierPairOfTheSameName(): DnsFailover | undefined {
    const key = pairKey(this);
    return this.node.root.node.findAll().find((c): c is DnsFailover =>
      c !== this && c instanceof DnsFailover && c.recordType !== undefined && pairKey(c) === key);
  }

  private warnAboutIgnoredSettings(props: DnsFailoverProps, primaryPlan: CheckPlan | undefined): void {
    if (props.ttl !== undefined && props.primary.isAlias && props.secondary.isAlias) {
      Annotations.of(this).addWarningV2('cdk-ha-kit:aliasTtlIgnored',
        `ttl ${formatSeconds(props.ttl)} is not applied: both records are aliases, which answer with their target's TTL (60 s for load balancers and S3 websites).`);
    }
    const codes = primaryPlan?.endpoint?.profile.successCodes;
    if (codes !== undefined && primaryPlan?.endpoint?.options.profile !== undefined && /(^|[,-])[4-5]\d\d/.test(codes)) {
      Annotations.of(this).addWarningV2('cdk-ha-kit:route53SuccessCodes',
        `successCodes ${codes} of the primary's profile include 4xx/5xx codes, but Route 53 counts only 2xx and 3xx answers as healthy.`);
    }
    if (primaryPlan?.hostCountOf) {
      const why = this.privateZone ? 'This zone is private' : 'The primary load balancer is internal';
      Annotations.of(this).addInfo(`${why} and Route 53 checkers cannot reach private endpoints: the primary's health follows CloudWatch alarms on the healthy host count of each target group of the load balancer.`);
    }
  }

  private createHealthCheck(side: Side, plan: CheckPlan | undefined, alarms: AlarmFactory): route53.IHealthCheck | undefined {
    if (plan === undefined || plan.type === DnsHealthCheckType.TARGET_HEALTH_ONLY) return undefined;
    const id = side === 'primary' ? 'PrimaryHealthCheck' : 'SecondaryHealthCheck';
    switch (plan.type) {
      case DnsHealthCheckType.ENDPOINT:
        return this.track(new route53.HealthCheck(this, id, endpointProps(plan.endpoint!)));
      case DnsHealthCheckType.CALCULATED: {
        const c = plan.check!.calculatedOptions!;
        return this.track(new route53.HealthCheck(this, id, { type: route53.HealthCheckType.CALCULATED, childHealthChecks: c.children, healthThreshold: c.healthThreshold }));
      }
      default: {
        if (plan.hostCountOf) return this.createHostCountChecks(id, plan.hostCountOf, alarms);
        const a = plan.check!.alarmOptions!;
        return this.track(alarmHealthCheck(this, id, a.alarm, a.insufficientDataStatus));
      }
    }
  }

  /** Private zones: one alarm-driven check per target group, combined when there are several. */
  private createHostCountChecks(id: string, lb: HaLoadBalancer, alarms: AlarmFactory): route53.IHealthCheck {
    const names = lb.targetGroupNames;
    const children = names.map((name) => {
      const alarm = alarms.create({
        id: `${name}NoHealthyHostsAlarm`,
        nameSuffix: `${name}-no-healthy-hosts`,
        description: `No healthy target in ${name} behind ${lb.node.path}: the failover record ${this.recordName} turns unhealthy.`,
        metric: lb.metricHealthyHostCount(name),
        threshold: 1,
        comparison: cloudwatch.ComparisonOperator.LESS_THAN_THRESHOLD,
        treatMissingData: cloudwatch.TreatMissingData.BREACHING,
        drivesFailover: true,
      })!;
      return this.track(alarmHealthCheck(this, names.length === 1 ? id : `${name}HostsHealthCheck`, alarm, route53.InsufficientDataHealthStatusEnum.UNHEALTHY));
    });
    if (children.length === 1) return children[0];
    return this.track(new route53.HealthCheck(this, id, { type: route53.HealthCheckType.CALCULATED, childHealthChecks: children, healthThreshold: children.length }));
  }

  /**
   * The primary's health and the Region switch plan's check, both: a calculated check that needs
   * its two children healthy, or the plan's check alone where the primary has no Route 53 check
   * (an alias record then adds its target's health, `EvaluateTargetHealth`).
   */
  private withRegionSwitch(own: route53.IHealthCheck | undefined, planCheckId: string | undefined): route53.IHealthCheck | undefined {
    if (planCheckId === undefined) return own;
    const plan = route53.HealthCheck.fromHealthCheckId(this, 'RegionSwitchHealthCheck', planCheckId);
    if (own === undefined) return plan;
    return this.track(new route53.HealthCheck(this, 'PrimaryAndRegionSwitchHealthCheck', { type: route53.HealthCheckType.CALCULATED, childHealthChecks: [own, plan], healthThreshold: 2 }));
  }

  private track(check: route53.HealthCheck): route53.HealthCheck {
    this.healthChecks.push(check);
    return check;
  }

  private createRecord(side: Side, target: FailoverTarget, healthCheck?: route53.IHealthCheck): route53.RecordSet {
    return new route53.RecordSet(this, side === 'primary' ? 'PrimaryRecord' : 'SecondaryRecord', {
      zone: this.zone,
      recordName: `${this.recordName}.`,
      recordType: this.recordType,
      target: recordTarget(target),
      ttl: target.isAlias ? undefined : this.ttl,
      failover: side === 'primary' ? route53.Failover.PRIMARY : route53.Failover.SECONDARY,
      setIdentifier: side,
      healthCheck,
    });
  }

  private costs(side: Side, plan: CheckPlan | undefined): HealthCheckCost[] {
    if (plan === undefined || plan.type === DnsHealthCheckType.TARGET_HEALTH_ONLY) return [];
    if (plan.type === DnsHealthCheckType.ENDPOINT) {
      const e = plan.endpoint!;
      const features = [
        ...(e.profile.protocol === HealthCheckProtocol.HTTPS ? ['HTTPS'] : []),
        ...(e.options.searchString !== undefined ? ['string matching'] : []),
        ...(e.profile.interval.toSeconds({ integral: false }) === 10 ? ['fast interval'] : []),
        ...(e.options.measureLatency ? ['latency measurement'] : []),
      ];
      return [priceHealthCheck(side, e.endpointKind, features)];
    }
    const groups = plan.hostCountOf?.targetGroups.length ?? 1;
    const count = groups === 1 ? 1 : groups + 1;
    return Array.from({ length: count }, (_, i) => priceHealthCheck(count === 1 ? side : `${side} ${i + 1}`, EndpointKind.NONE, []));
  }

  private createPrimaryAlarm(alarms: AlarmFactory): cloudwatch.Alarm | undefined {
    if (this.primaryHealthCheck === undefined || !alarms.enabled) return undefined;
    if (Stack.of(this).region !== US_EAST_1) {
      Annotations.of(this).addInfo('Route 53 publishes health-check metrics in us-east-1 only: no primary-unhealthy alarm is created outside a us-east-1 stack. Alarm on metricPrimaryHealthCheckStatus() from a us-east-1 stack instead.');
      return undefined;
    }
    return alarms.create({
      id: 'PrimaryUnhealthyAlarm',
      nameSuffix: 'primary-unhealthy',
      description: `The primary of ${this.recordName} is unhealthy: Route 53 answers with the secondary.`,
      metric: this.metricPrimaryHealthCheckStatus(),
      threshold: 1,
      comparison: cloudwatch.ComparisonOperator.LESS_THAN_THRESHOLD,
    });
  }
}

/** Zone, name and type: what makes a failover pair one of a kind. */
function pairKey(pair: DnsFailover): string {
  const zone = Token.isUnresolved(pair.zone.hostedZoneId) ? pair.zone.node.path : pair.zone.hostedZoneId;
  return `${zone} ${pair.recordName} ${pair.recordType}`;
}

/** `alarms`, with the deprecated `alarmNamePrefix` and `alarmActions` folded in. */
function alarmOptions(props: DnsFailoverProps): AlarmOptions {
  return { ...withActions(props.alarms, props.alarmActions ?? []), namePrefix: props.alarms?.namePrefix ?? props.alarmNamePrefix };
}
