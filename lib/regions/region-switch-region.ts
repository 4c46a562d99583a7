/**
 * One region's side of a region switch: what the plan acts on there (the global database's and
 * the Global Datastore's members, the compute), and the step function ARC invokes there for the
 * cache, which has no execution block of its own.
 */
import { ArnFormat, Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as sns from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
import { STEP_CONFIG_ENV, StepConfig } from '../../lambda/region-switch/contract';
import { DECISIONS, acknowledgeDecision } from '../core/compliance';
import { shippedCode } from '../core/shipped-code';
import { Validator } from '../core/validation';
import { ReplicatedCache } from '../replication/replicated-cache';
import { ReplicatedDatabase } from '../replication/replicated-database';

/**
 * Props of a `RegionSwitchRegion`.
 */
export interface RegionSwitchRegionProps {
  /**
   * This region's member of an Aurora global database (`GlobalDatabase.primary()` or
   * `secondaryOf`): the plan fails over or switches over to it.
   * @default - no database step
   */
  readonly database?: ReplicatedDatabase;

  /**
   * This region's member of an ElastiCache Global Datastore: the plan promotes it.
   * @default - no cache step
   */
  readonly cache?: ReplicatedCache;

  /**
   * ECS services the plan scales to what the other region ran (its services in the same order).
   * @default - no capacity step
   */
  readonly ecsServices?: ecs.BaseService[];

  /**
   * A topic of this region told of every execution and evaluation of the region's plans: ARC
   * Region switch sends "ARC Region Switch Plan Execution" and "ARC Region Switch Plan
   * Evaluation" events to EventBridge (EventBridge Events Reference, "Amazon Application
   * Recovery Controller (ARC) Region switch events"), which a rule here forwards.
   * @default - no one is told
   */
  readonly notify?: sns.ITopic;
}

/**
 * One region's side of a `RegionSwitchPlan`, in that region's stack: its database, cache and
 * compute, and the function that promotes its cache when ARC activates it (ARC invokes the
 * function of the region it activates, so each region has its own).
 */
export class RegionSwitchRegion extends Construct {
  /** The region, from the stack. */
  public readonly region: string;
  /** The global database's member here. */
  public readonly database?: ReplicatedDatabase;
  /** The Global Datastore's member here. */
  public readonly cache?: ReplicatedCache;
  /** The ECS services scaled here. */
  public readonly ecsServices: ecs.BaseService[];
  /** With a cache: the function that promotes it, ARC's custom action for the cache step. */
  public readonly cacheStepFunction?: lambda.Function;

  constructor(scope: Construct, id: string, props: RegionSwitchRegionProps) {
    super(scope, id);
    this.region = Stack.of(this).region;
    this.database = props.database;
    this.cache = props.cache;
    this.ecsServices = props.ecsServices ?? [];
    this.validate(props);
    if (props.cache) this.cacheStepFunction = this.createCacheStep(props.cache);
    if (props.notify) this.notifyOf(props.notify);
  }

  /** Forwards ARC Region switch's events in this region to `topic`, publishing through a role of its own. */
  private notifyOf(topic: sns.ITopic): void {
    const rule = new events.Rule(this, 'PlanEvents', {
      description: 'ARC Region switch executions and evaluations, to the alarm topic',
      eventPattern: { source: ['aws.arc-region-switch'], detailType: ['ARC Region Switch Plan Execution', 'ARC Region Switch Plan Evaluation'] },
    });
    rule.addTarget(new targets.SnsTopic(topic, { authorizeUsingRole: true }));
    // aws-events-targets makes the rule's role as its child.
    const role = rule.node.tryFindChild('EventsRole');
    if (role) acknowledgeDecision(role, DECISIONS.ROLE_POLICY);
    acknowledgeDecision(rule, DECISIONS.REGION_SWITCH_EVENTS);
  }

  private validate(props: RegionSwitchRegionProps): void {
    const v = new Validator();
    const here = this.region;
    const parts: Array<[string, Construct | undefined]> = [['database', props.database], ['cache', props.cache],
      ...(props.ecsServices ?? []).map((s, i): [string, Construct] => [`ecsServices[${i}]`, s])];
    for (const [prop, part] of parts) {
      const there = part ? Stack.of(part).region : undefined;
      if (there !== undefined && there !== here) v.add(prop, `${part!.node.path}, in ${there}`, `a resource of this region's stack (${here}): ARC acts on each region's own`);
    }
    if (props.database && props.database.globalClusterIdentifier === undefined) {
      v.add('database', `${props.database.node.path}, a regional database`, 'a member of an Aurora global database (global: GlobalDatabase.primary() or secondaryOf)');
    }
    if (props.cache && props.cache.globalReplicationGroupId === undefined) {
      v.add('cache', `${props.cache.node.path}, a regional cache`, 'a member of a Global Datastore (global: GlobalDatastore.primary() or secondaryOf)');
    }
    v.throwIfAny(this);
  }

  private createCacheStep(cache: ReplicatedCache): lambda.Function {
    const stack = Stack.of(this);
    const config: StepConfig = {
      action: 'promote-cache',
      globalReplicationGroupId: cache.globalReplicationGroupId!,
      region: this.region,
      replicationGroupId: cache.replicationGroup.ref,
      // One invocation waits 4 minutes, then fails for ARC to retry it.
      waitMs: Duration.minutes(4).toMilliseconds(),
    };
    const logGroup = new logs.LogGroup(this, 'CacheStepLogs', { retention: logs.RetentionDays.THREE_MONTHS, removalPolicy: RemovalPolicy.RETAIN });
    acknowledgeDecision(logGroup, DECISIONS.LOG_GROUPS_SERVICE_ENCRYPTED);
    acknowledgeDecision(logGroup, DECISIONS.LOG_RETENTION);
    const role = new iam.Role(this, 'CacheStepRole', {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: `Promotes ${cache.node.path} in a region switch`,
    });
    role.addToPolicy(new iam.PolicyStatement({ actions: ['logs:CreateLogStream', 'logs:PutLogEvents'], resources: [logGroup.logGroupArn] }));
    // FailoverGlobalReplicationGroup acts on the Global Datastore and the member promoted
    // (Service Authorization Reference, ElastiCache: globalreplicationgroup and replicationgroup).
    const globalArn = stack.formatArn({ service: 'elasticache', region: '', resource: 'globalreplicationgroup', resourceName: config.globalReplicationGroupId, arnFormat: ArnFormat.COLON_RESOURCE_NAME });
    const groupArn = stack.formatArn({ service: 'elasticache', resource: 'replicationgroup', resourceName: config.replicationGroupId, arnFormat: ArnFormat.COLON_RESOURCE_NAME });
    role.addToPolicy(new iam.PolicyStatement({ actions: ['elasticache:DescribeGlobalReplicationGroups', 'elasticache:FailoverGlobalReplicationGroup'], resources: [globalArn, groupArn] }));
    role.addToPolicy(new iam.PolicyStatement({ actions: ['elasticache:DescribeReplicationGroups'], resources: [groupArn] }));
    acknowledgeDecision(role, DECISIONS.ROLE_POLICY);
    const fn = new lambda.Function(this, 'CacheStep', {
      code: shippedCode(this, 'region-switch'),
      handler: 'index.handler',
      description: `Region switch step: promotes ${cache.node.path} to the Global Datastore's primary`,
      runtime: lambda.Runtime.NODEJS_24_X,
      architecture: lambda.Architecture.ARM_64,
      memorySize: 256,
      timeout: Duration.minutes(5),
      role,
      logGroup,
      environment: { [STEP_CONFIG_ENV]: stack.toJsonString(config) },
    });
    acknowledgeDecision(fn, DECISIONS.REGION_SWITCH_STEP);
    return fn;
  }
}
