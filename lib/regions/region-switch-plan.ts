/**
 * `RegionSwitchPlan`: the ARC Region switch plan between two regions of a service, generated from
 * the parts the service already declares.
 */
import { Duration, Names } from 'aws-cdk-lib';
import * as arc from 'aws-cdk-lib/aws-arcregionswitch';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import { DECISIONS, acknowledgeDecision } from '../core/compliance';
import { FailoverStep, FailoverTimeBreakdown, FigureKind } from '../core/failover-time';
import { Validator } from '../core/validation';
import { acknowledgePlanSuffix, grantPlanPermissions, planArnPattern } from './plan-permissions';
import { PlanApproval, PlanApprovalType, RegionSwitchPlanProps } from './plan-props';
import { capacityStep, dataSteps, validatePlan } from './plan-rules';
import { RegionSwitchRegion } from './region-switch-region';

const DEFAULT_TIMEOUTS = { database: Duration.minutes(60), cache: Duration.minutes(15), capacity: Duration.minutes(15) };

/**
 * An ARC Region switch plan between the service's primary and standby regions: active/passive,
 * with a workflow that activates each region. Each workflow, in order: an approval step (unless
 * `PlanApproval.automatic()`), the compute scaled to what the other region ran, then the data
 * promoted, the Aurora global database and the Global Datastore in parallel.
 *
 * The database step switches over (no data lost) when the plan runs gracefully, with the other
 * region healthy, and fails over (`AllowDataLoss`) when it runs ungracefully, the other region
 * lost. The cache step runs a function this library ships, in the activated region. Traffic is
 * not a step: the service's `DnsFailover` and `VipFailover` move it by health, and a step that
 * moved it too would fight them.
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
      ],
    });
    this.recoveryTime = planRecoveryTime(props, approval);
    this.plan = new arc.CfnPlan(this, 'Resource', {
      name: this.planName,
      description: `Region switch of ${props.primary.node.path} and ${props.standby.node.path}`,
      executionRole: this.executionRole.roleArn,
      recoveryApproach: 'activePassive',
      primaryRegion: props.primary.region,
      regions: [props.primary.region, props.standby.region],
      recoveryTimeObjectiveMinutes: Math.ceil(this.recoveryTime.total.toSeconds() / 60),
      workflows: [workflow(props.standby, props.primary, false), workflow(props.primary, props.standby, true)],
    });
    grantPlanPermissions(this, this.executionRole, props);
  }
}

/**
 * The standby's activation, step by step: the approval (a person's time, not stated), the
 * compute (assumed, or measured), then the longer of the database's failover and the cache's
 * promotion, which run in parallel.
 */
function planRecoveryTime(props: RegionSwitchPlanProps, approval: PlanApproval): FailoverTimeBreakdown {
  const steps: FailoverStep[] = [];
  if (approval.type === PlanApprovalType.MANUAL) {
    steps.push({ name: 'approval', duration: Duration.seconds(0), kind: FigureKind.NOT_STATED, explanation: 'the time a person takes to approve; measure it in a game day' });
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
  if (steps.length === 0) steps.push({ name: 'no step', duration: Duration.seconds(0), kind: FigureKind.CONFIGURED, explanation: 'the plan acts on nothing' });
  return new FailoverTimeBreakdown(steps);
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

