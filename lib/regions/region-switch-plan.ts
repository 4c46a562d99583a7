/**
 * `RegionSwitchPlan`: the ARC Region switch plan between two regions of a service, generated from
 * the parts the service already declares.
 */
import { Duration, Names } from 'aws-cdk-lib';
import * as arc from 'aws-cdk-lib/aws-arcregionswitch';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import { DECISIONS, acknowledgeDecision } from '../core/compliance';
import { FailoverStep, FailoverTimeBreakdown, FigureKind } from '../core/failover-time';
import { Validator, formatSeconds } from '../core/validation';
import { DnsFailover } from '../dns/dns-failover';
import { acknowledgePlanSuffix, grantPlanPermissions, planArnPattern } from './plan-permissions';
import { PlanApproval, PlanApprovalType, PlanTrigger, RegionSwitchPlanProps } from './plan-props';
import { capacityStep, dataSteps, trafficStep, validatePlan } from './plan-rules';
import { RegionSwitchRegion } from './region-switch-region';

const DEFAULT_TIMEOUTS = { database: Duration.minutes(60), cache: Duration.minutes(15), capacity: Duration.minutes(15), traffic: Duration.minutes(15) };

/**
 * An ARC Region switch plan between the service's primary and standby regions: active/passive,
 * with a workflow that activates each region. Each workflow, in order: an approval step (unless
 * `PlanApproval.automatic()`), the compute scaled to what the other region ran, then the data
 * promoted, the Aurora global database and the Global Datastore in parallel, then the traffic
 * (with `dnsFailover`).
 *
 * The database step switches over (no data lost) when the plan runs gracefully, with the other
 * region healthy, and fails over (`AllowDataLoss`) when it runs ungracefully, the other region
 * lost. The cache step runs a function this library ships, in the activated region. The traffic
 * step comes after the data, so that clients reach a region that can write: ARC turns the
 * health check it keeps for each region, and the name's PRIMARY record carries the primary
 * region's beside its own health, so health and the plan can each take traffic off the primary
 * and neither can keep it there. A `VipFailover` accelerator has no ARC step: it follows its
 * endpoints' health.
 *
 * Failback is the primary's workflow, run gracefully: a switchover, never automatic.
 *
 * ARC keeps the plan in every region it names and runs a workflow from the region it activates:
 * deploy it in a stack of either region (the standby's keeps it deployable while the primary's is
 * lost).
 */
export class RegionSwitchPlan extends Construct {
  /** The plan. */
  public readonly plan: arc.CfnPlan;
  /** The role ARC assumes to evaluate and execute the plan, allowed exactly what its steps do. */
  public readonly executionRole: iam.Role;
  /** The role approvers assume, with a manual approval. */
  public readonly approvalRole?: iam.IRole;
  /** The plan's name. */
  public readonly planName: string;
  /**
   * How long activating the standby takes once an execution starts, step by step, each figure
   * with its kind; the plan's `recoveryTimeObjectiveMinutes` is set from it.
   */
  public readonly recoveryTime: FailoverTimeBreakdown;
  /**
   * How much a failover to the standby may lose, as a duration of writes: the global database's
   * lag, or its managed RPO (a bound). Undefined without a database step.
   */
  public readonly dataLoss?: FailoverTimeBreakdown;

  constructor(scope: Construct, id: string, props: RegionSwitchPlanProps) {
    super(scope, id);
    const approval = props.approval ?? PlanApproval.manual();
    this.planName = props.planName ?? Names.uniqueResourceName(this, { maxLength: 32, separator: '-' }).replace(/[^a-zA-Z0-9-]/g, '').replace(/^-+|-+$/g, '');
    const v = new Validator();
    validatePlan(v, this.planName, props, approval);
    v.throwIfAny(this);

    this.executionRole = new iam.Role(this, 'ExecutionRole', {
      assumedBy: new iam.ServicePrincipal('arc-region-switch.amazonaws.com'),
      description: `ARC Region switch plan ${this.planName}: evaluates and executes its steps`,
    });
    if (approval.type === PlanApprovalType.MANUAL) {
      this.approvalRole = approval.role ?? new iam.Role(this, 'ApprovalRole', {
        assumedBy: new iam.AccountRootPrincipal(),
        description: `Approves executions of the ARC Region switch plan ${this.planName}`,
      });
      this.approvalRole.addToPrincipalPolicy(new iam.PolicyStatement({ actions: ['arc-region-switch:ApprovePlanExecutionStep'], resources: [planArnPattern(this, this.planName)] }));
      if (!approval.role) {
        acknowledgePlanSuffix(this.approvalRole, this.planName);
        acknowledgeDecision(this.approvalRole, DECISIONS.ROLE_POLICY);
      }
    }
    const timeouts = { ...DEFAULT_TIMEOUTS, ...props.stepTimeouts };
    const workflow = (activate: RegionSwitchRegion, other: RegionSwitchRegion, failback: boolean): arc.CfnPlan.WorkflowProperty => ({
      workflowTargetAction: 'activate',
      workflowTargetRegion: activate.region,
      workflowDescription: failback
        ? `Fail back to ${activate.region}: run it gracefully, a switchover that loses nothing`
        : `Activate ${activate.region}: gracefully a switchover; ungracefully, with ${other.region} lost, a failover that may lose the writes it had not replicated`,
      steps: [
        ...(this.approvalRole ? [{
          name: 'approve',
          description: 'A person decides: a failover may lose writes',
          executionBlockType: 'ManualApproval',
          executionBlockConfiguration: { executionApprovalConfig: { approvalRole: this.approvalRole.roleArn, timeoutMinutes: approval.timeout?.toMinutes() } },
        }] : []),
        ...capacityStep(props, other, activate, timeouts.capacity),
        ...dataSteps(props, timeouts.database, timeouts.cache, failback),
        ...trafficStep(props, timeouts.traffic),
      ],
    });
    this.recoveryTime = planRecoveryTime(props, approval);
    this.dataLoss = props.primary.database?.dataLoss.region;
    checkBudgets(this, props, this.recoveryTime, this.dataLoss);
    this.plan = new arc.CfnPlan(this, 'Resource', {
      name: this.planName,
      description: `Region switch of ${props.primary.node.path} and ${props.standby.node.path}`,
      executionRole: this.executionRole.roleArn,
      recoveryApproach: 'activePassive',
      primaryRegion: props.primary.region,
      regions: [props.primary.region, props.standby.region],
      recoveryTimeObjectiveMinutes: Math.max(1, Math.ceil(this.recoveryTime.total.toSeconds() / 60)),
      workflows: [workflow(props.standby, props.primary, false), workflow(props.primary, props.standby, true)],
      ...triggerProps(props),
    });
    grantPlanPermissions(this, this.executionRole, props);
  }
}

/** The trigger's alarms, associated with the plan, and the trigger on all of them: the standby's activation only. */
function triggerProps(props: RegionSwitchPlanProps): Pick<arc.CfnPlanProps, 'associatedAlarms' | 'triggers'> {
  const trigger = props.trigger;
  if (!trigger) return {};
  const names = trigger.alarms.map((_, i) => `quorum-${i + 1}`);
  return {
    associatedAlarms: Object.fromEntries(trigger.alarms.map((alarm, i) => [names[i], { alarmType: 'trigger', resourceIdentifier: alarm.alarmArn }])),
    triggers: [{
      description: `Activate ${props.standby.region} when all ${names.length} alarms are in ALARM`,
      targetRegion: props.standby.region,
      action: 'activate',
      conditions: names.map((associatedAlarmName) => ({ associatedAlarmName, condition: 'red' })),
      minDelayMinutesBetweenExecutions: trigger.minDelayBetweenExecutions.toMinutes(),
    }],
  };
}

/**
 * The standby's activation, step by step: the approval (a person's time, not stated), the
 * compute (assumed, or measured), then the longer of the database's failover and the cache's
 * promotion, which run in parallel.
 */
function planRecoveryTime(props: RegionSwitchPlanProps, approval: PlanApproval): FailoverTimeBreakdown {
  const steps: FailoverStep[] = [];
  if (props.trigger) steps.push(triggerDetection(props.trigger));
  if (approval.type === PlanApprovalType.MANUAL) {
    const unstated: FailoverStep = { name: 'approval', duration: Duration.seconds(0), kind: FigureKind.NOT_STATED, explanation: 'the time a person takes to approve; state it as measuredApprovalTime' };
    steps.push(props.measuredApprovalTime?.asStep('approval', unstated) ?? unstated);
  }
  if (props.standby.ecsServices.length > 0) {
    steps.push(props.measuredCapacityTime?.asStep('compute: scale to the other region', CAPACITY)
      ?? CAPACITY);
  }
  const data: Array<{ tier: string; steps: readonly FailoverStep[] }> = [];
  const db = props.primary.database?.globalFailoverTime;
  if (db) data.push({ tier: 'database', steps: db.steps });
  const cache = props.primary.cache?.globalPromotionTime;
  if (cache) data.push({ tier: 'cache', steps: cache.steps });
  const seconds = (s: readonly FailoverStep[]) => s.reduce((t, x) => t + x.duration.toSeconds({ integral: false }), 0);
  const longer = data.reduce<{ tier: string; steps: readonly FailoverStep[] } | undefined>((a, b) => (!a || seconds(b.steps) > seconds(a.steps) ? b : a), undefined);
  for (const s of longer?.steps ?? []) {
    steps.push({ ...s, name: `${longer!.tier}: ${s.name}`, explanation: `${s.explanation}${data.length > 1 ? ' (the longer of the data steps, which run in parallel)' : ''}` });
  }
  if (props.dnsFailover) steps.push(...trafficTime(props.dnsFailover));
  if (steps.length === 0) steps.push({ name: 'no step', duration: Duration.seconds(0), kind: FigureKind.CONFIGURED, explanation: 'the plan acts on nothing' });
  return new FailoverTimeBreakdown(steps);
}

/**
 * The traffic step, then clients following: ARC turning its health check (AWS documents no time
 * for the block: assumed 1 minute), Route 53's name servers changing their answers and resolvers'
 * caches expiring, the pair's own propagation and TTL figures.
 */
function trafficTime(dns: DnsFailover): FailoverStep[] {
  return [
    { name: 'traffic: ARC turns its health checks', duration: Duration.minutes(1), kind: FigureKind.ASSUMED, source: 'AWS documents no time for ARC\'s Route 53 health check step', explanation: 'the other region\'s check unhealthy, the activated region\'s healthy' },
    ...dns.failoverTime.steps.filter((s) => s.name !== 'detection').map((s) => ({ ...s, name: `traffic: ${s.name}` })),
  ];
}

/**
 * The trigger's alarms reaching ALARM: the slowest of them, each its evaluation periods times its
 * metric's period (the alarms that run on one metric); not stated for others.
 */
function triggerDetection(trigger: PlanTrigger): FailoverStep {
  const each = trigger.alarms.map((alarm) => {
    const cfn = alarm.node.defaultChild as cloudwatch.CfnAlarm | undefined;
    const periods = cfn?.evaluationPeriods;
    const period = cfn?.period;
    return typeof periods === 'number' && typeof period === 'number' ? periods * period : undefined;
  });
  if (each.some((s) => s === undefined)) {
    return { name: 'trigger: its alarms reach ALARM', duration: Duration.seconds(0), kind: FigureKind.NOT_STATED, explanation: 'an alarm of the quorum whose evaluation this library cannot read: measure it' };
  }
  const slowest = Math.max(...(each as number[]));
  return { name: 'trigger: its alarms reach ALARM', duration: Duration.seconds(slowest), kind: FigureKind.CONFIGURED, explanation: 'the slowest alarm of the quorum: its evaluation periods × its metric\'s period' };
}

/** The budgets the plan states: its recovery time, and the writes a failover may lose. */
function checkBudgets(scope: Construct, props: RegionSwitchPlanProps, recovery: FailoverTimeBreakdown, dataLoss: FailoverTimeBreakdown | undefined): void {
  const v = new Validator();
  const budget = props.recoveryTimeBudget;
  const total = recovery.total.toSeconds({ integral: false });
  if (budget && !budget.isUnresolved() && total > budget.toSeconds({ integral: false })) {
    const changes = [
      ...recovery.steps.filter((s) => s.name.endsWith('create a DB instance')).map(() => 'give the standby\'s database an instance (readReplicas: 1): none to create first'),
      ...recovery.steps.filter((s) => s.kind === FigureKind.ASSUMED || s.kind === FigureKind.AWS_TYPICAL).map((s) => `measure "${s.name}" in a game day and give it as its measured time`),
    ];
    v.add('recoveryTimeBudget', formatSeconds(budget), `at least ${total} s to activate ${props.standby.region} (${recovery.isBound ? 'a bound' : 'typical'}):\n${recovery.render('    ')}\n    ${
      changes.length > 0 ? `changes that may meet it: ${changes.join('; ')}` : 'no change this library knows of meets it'}`);
  }
  const loss = props.dataLossBudget;
  const lost = dataLoss?.total.toSeconds({ integral: false });
  if (loss && !loss.isUnresolved() && lost !== undefined && lost > loss.toSeconds({ integral: false })) {
    v.add('dataLossBudget', formatSeconds(loss), `at least ${lost} s of writes when ${props.primary.region} is lost (${dataLoss!.isBound ? 'a bound' : 'typical'}):\n${dataLoss!.render('    ')}\n    ${
      props.primary.database!.engine.engineType === 'aurora-postgresql' && loss.toSeconds() >= 20
        ? `the change that meets it: GlobalDatabase.primary({ recoveryPointObjective: Duration.seconds(${Math.floor(loss.toSeconds({ integral: false }))}) })`
        : 'no setting this library knows of meets it: Aurora PostgreSQL\'s managed RPO takes 20 s at least, and Aurora MySQL has none'}`);
  }
  v.throwIfAny(scope);
}

/**
 * Scaling the activated region's ECS services: AWS documents no time for it (ECS places and
 * starts the tasks, the load balancer checks them). Assumed 5 minutes: measure it.
 */
const CAPACITY: FailoverStep = {
  name: 'compute: scale to the other region',
  duration: Duration.minutes(5),
  kind: FigureKind.ASSUMED,
  source: 'AWS documents no time for ARC\'s ECS service scaling step',
  explanation: 'ARC raises the activated region\'s ECS services to the tasks the other region ran, and waits for them',
};

