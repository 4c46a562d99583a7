/** `FeatureFlags`: AppConfig feature flags, rolled out gradually and watched by a rollback alarm. */
import { Aws, Duration, Lazy, Names, Stack, Token } from 'aws-cdk-lib';
import * as appconfig from 'aws-cdk-lib/aws-appconfig';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import { MAX_ALARM_RULE_LENGTH, MAX_RULE_CHILDREN, anyOfGroups, notifyOnAlarmAndOk } from '../core/alarms';
import { DECISIONS, acknowledgeDecision } from '../core/compliance';
import { ALARM_DESCRIPTION, APPCONFIG_DESCRIPTION, IAM_ROLE_DESCRIPTION, fitDescription, validateDescription } from '../core/descriptions';
import { Validator, formatSeconds } from '../core/validation';

/** A flag's key, as AppConfig allows it. */
const FLAG_KEY = /^[a-z][a-zA-Z\d_-]{0,63}$/;


/**
 * One feature flag.
 */
export interface FeatureFlag {
  /** The flag's key: a lowercase letter, then letters, digits, `_` or `-`; at most 64 characters. */
  readonly name: string;

  /**
   * Whether the flag is on as deployed.
   * @default false
   */
  readonly enabled?: boolean;

  /**
   * What the flag does, shown in the AppConfig console. At most 1024 characters.
   * @default - none
   */
  readonly description?: string;
}

/**
 * How a change of flags rolls out to the environment's readers.
 */
export class FlagRollout {
  /**
   * Gradually: `growthFactor` percent more readers every step over `duration`, then `bakeTime`
   * watching the rollback alarm before the deployment completes. AppConfig rolls back by itself
   * when the alarm goes off during either.
   */
  public static gradual(options: GradualRolloutOptions = {}): FlagRollout {
    return new FlagRollout('gradual', options.duration ?? Duration.minutes(10), options.growthFactor ?? 20, options.bakeTime ?? Duration.minutes(10));
  }

  /**
   * To every reader at once, then `bakeTime` watching the rollback alarm: for switches that must
   * act now, such as an operator's pause.
   */
  public static allAtOnce(bakeTime: Duration = Duration.minutes(0)): FlagRollout {
    return new FlagRollout('all at once', Duration.minutes(0), 100, bakeTime);
  }

  private constructor(
    /** How it rolls out, for messages. */
    public readonly kind: string,
    /** Time over which the change reaches every reader. */
    public readonly duration: Duration,
    /** Percent of readers added at each step. */
    public readonly growthFactor: number,
    /** Time the alarm is watched after the change reached every reader. */
    public readonly bakeTime: Duration,
  ) {}

  /** The worst case from a deployment's start to its end. */
  public get totalTime(): Duration {
    return Duration.seconds(this.duration.toSeconds() + this.bakeTime.toSeconds());
  }
}

/**
 * Options of a gradual rollout.
 */
export interface GradualRolloutOptions {
  /**
   * Time over which a change reaches every reader. 0 to 24 hours, in whole minutes.
   * @default Duration.minutes(10)
   */
  readonly duration?: Duration;

  /**
   * Percent of readers added at each step. 1 to 100.
   * @default 20
   */
  readonly growthFactor?: number;

  /**
   * Time the rollback alarm is watched once every reader has the change. 0 to 24 hours, in whole
   * minutes.
   * @default Duration.minutes(10)
   */
  readonly bakeTime?: Duration;
}

/**
 * Props of `FeatureFlags`.
 */
export interface FeatureFlagsProps {
  /**
   * The flags, as deployed. Later changes are made in AppConfig (a new version, deployed with the
   * same strategy), not by a redeploy.
   * @default - none besides the monitor's switches, with `monitorSwitches`
   */
  readonly flags?: FeatureFlag[];

  /**
   * Add the health monitor's two switches, `monitorPaused` and `monitorDryRun`, both off.
   * @default false
   */
  readonly monitorSwitches?: boolean;

  /**
   * How a change rolls out.
   * @default FlagRollout.gradual(): 20 % more readers every step over 10 minutes, then 10 minutes of bake time
   */
  readonly rollout?: FlagRollout;

  /**
   * Alarms that roll a deployment back. They are combined into one composite alarm (ALARM when
   * any of them is), which AppConfig watches during every deployment and its bake time. When the
   * rule naming them all could pass CloudWatch's 10240 characters, the composite alarm is one
   * over a composite alarm per group of them (up to 100 groups: about 3000 alarms).
   * @default - no rollback alarm
   */
  readonly rollbackAlarms?: cloudwatch.IAlarm[];

  /**
   * Actions on ALARM and on OK of the composite rollback alarm, e.g. an SNS topic: a rollback
   * under way reaches someone.
   * @default - none
   */
  readonly rollbackAlarmActions?: cloudwatch.IAlarmAction[];

  /**
   * Name of the AppConfig application: 1 to 64 characters.
   * @default - a name unique in the account, derived from the construct path
   */
  readonly applicationName?: string;

  /**
   * Name of the environment the flags are deployed to: 1 to 64 characters.
   * @default 'live'
   */
  readonly environmentName?: string;
}

/**
 * Feature flags in AWS AppConfig: an application, an environment, an `AWS.AppConfig.FeatureFlags`
 * configuration profile holding the flags, a deployment strategy (gradual with bake time by
 * default) and, with `rollbackAlarms`, one composite alarm that AppConfig watches to roll a bad
 * change back by itself.
 *
 * Readers get the flags from the AppConfig data plane (`grantRead`); the LeaderHealthMonitor reads
 * its pause and dry-run switches from here (`monitorSwitches`), without a redeploy.
 *
 * Put an operator's switches and the service's flags in separate FeatureFlags: a pause is what
 * one deploys during an incident, when the service's alarms are firing and would roll it back.
 */
export class FeatureFlags extends Construct {
  /** The flag that pauses the health monitor: it probes and tracks, but takes no action. */
  public static readonly MONITOR_PAUSED = 'monitorPaused';

  /** The flag that puts the health monitor in dry-run: it logs the calls it would make. */
  public static readonly MONITOR_DRY_RUN = 'monitorDryRun';

  /** The AppConfig application. */
  public readonly application: appconfig.Application;

  /** The environment the flags are deployed to. */
  public readonly environment: appconfig.Environment;

  /** The feature-flags configuration profile and its first version. */
  public readonly configuration: appconfig.HostedConfiguration;

  /** The deployment strategy. */
  public readonly deploymentStrategy: appconfig.DeploymentStrategy;

  /** The alarm that rolls deployments back, with `rollbackAlarms`. */
  public readonly rollbackAlarm?: cloudwatch.CompositeAlarm;

  /** The role AppConfig reads the rollback alarm with, with `rollbackAlarms`. */
  public readonly rollbackRole?: iam.Role;

  /** The rollout of every deployment. */
  public readonly rollout: FlagRollout;

  /** The flags as deployed. */
  public readonly flags: FeatureFlag[];

  constructor(scope: Construct, id: string, props: FeatureFlagsProps = {}) {
    super(scope, id);
    this.rollout = props.rollout ?? FlagRollout.gradual();
    this.flags = [
      ...(props.flags ?? []),
      ...(props.monitorSwitches ? [
        { name: FeatureFlags.MONITOR_PAUSED, enabled: false, description: 'Pauses the health monitor: it probes and tracks, but takes no action.' },
        { name: FeatureFlags.MONITOR_DRY_RUN, enabled: false, description: 'Puts the health monitor in dry-run: it logs the AWS calls it would make.' },
      ] : []),
    ];
    // The rule groups of the rollback alarm, cut once: validated, then built.
    const groups = anyOfGroups(props.rollbackAlarms ?? []);
    this.validate(props, groups.length);

    this.application = new appconfig.Application(this, 'Application', {
      applicationName: props.applicationName ?? Names.uniqueResourceName(this, { maxLength: 64, separator: '-' }),
      description: fitDescription(APPCONFIG_DESCRIPTION, `Feature flags of ${this.node.path}`),
    });
    const alarms = props.rollbackAlarms ?? [];
    if (alarms.length > 0) {
      // One composite alarm, or (when the rule naming every alarm could pass CloudWatch's limit)
      // one over a composite alarm per group of them. The groups carry no actions: the alarm
      // over them does, and each is only its input, as the alarms given are.
      const inputs = groups.length === 1 ? alarms : groups.map((group, i) => new cloudwatch.CompositeAlarm(this, `RollbackAlarm${i + 1}`, {
        alarmRule: cloudwatch.AlarmRule.anyOf(...group),
        alarmDescription: fitDescription(ALARM_DESCRIPTION, `Part ${i + 1} of ${groups.length} of the rollback alarm of ${this.node.path}: in ALARM when any of ${group.length} alarms is.`),
      }));
      this.rollbackAlarm = new cloudwatch.CompositeAlarm(this, 'RollbackAlarm', {
        alarmRule: cloudwatch.AlarmRule.anyOf(...inputs),
        alarmDescription: fitDescription(ALARM_DESCRIPTION, `Rolls back deployments of the feature flags of ${this.node.path}: in ALARM when any of ${alarms.length} alarms is.`),
      });
      notifyOnAlarmAndOk(this.rollbackAlarm, props.rollbackAlarmActions ?? []);
      this.rollbackRole = new iam.Role(this, 'RollbackRole', {
        assumedBy: new iam.ServicePrincipal('appconfig.amazonaws.com', { conditions: { StringEquals: { 'aws:SourceAccount': Aws.ACCOUNT_ID } } }),
        description: fitDescription(IAM_ROLE_DESCRIPTION, `AppConfig reads the rollback alarm of ${this.node.path}`),
      });
      acknowledgeDecision(this.rollbackRole, DECISIONS.ROLE_POLICY);
      this.rollbackRole.addToPolicy(new iam.PolicyStatement({ actions: ['cloudwatch:DescribeAlarms'], resources: [this.rollbackAlarm.alarmArn] }));
    }
    this.environment = new appconfig.Environment(this, 'Environment', {
      application: this.application,
      environmentName: props.environmentName ?? 'live',
      description: fitDescription(APPCONFIG_DESCRIPTION, `Where the feature flags of ${this.node.path} are deployed`),
      monitors: this.rollbackAlarm ? [appconfig.Monitor.fromCloudWatchAlarm(this.rollbackAlarm, this.rollbackRole)] : undefined,
    });
    this.deploymentStrategy = new appconfig.DeploymentStrategy(this, 'DeploymentStrategy', {
      description: fitDescription(APPCONFIG_DESCRIPTION, `${this.rollout.kind} rollout of the feature flags of ${this.node.path}`),
      rolloutStrategy: appconfig.RolloutStrategy.linear({
        growthFactor: this.rollout.growthFactor,
        deploymentDuration: this.rollout.duration,
        finalBakeTime: this.rollout.bakeTime,
      }),
    });
    this.configuration = new appconfig.HostedConfiguration(this, 'Flags', {
      application: this.application,
      name: 'flags',
      description: fitDescription(APPCONFIG_DESCRIPTION, `Feature flags of ${this.node.path}`),
      type: appconfig.ConfigurationType.FEATURE_FLAGS,
      content: appconfig.ConfigurationContent.fromInlineJson(Lazy.string({ produce: () => JSON.stringify(this.document()) })),
      deploymentStrategy: this.deploymentStrategy,
      deployTo: [this.environment],
    });
  }

  /** Whether a flag of that name is deployed. */
  public hasFlag(name: string): boolean {
    return this.flags.some((f) => f.name === name);
  }

  /**
   * The ARN readers ask the data plane for: the profile in the environment.
   */
  public get configurationArn(): string {
    return Stack.of(this).formatArn({
      service: 'appconfig',
      resource: 'application',
      resourceName: `${this.application.applicationId}/environment/${this.environment.environmentId}/configuration/${this.configuration.configurationProfileId}`,
    });
  }

  /**
   * Lets `grantee` read the flags from the AppConfig data plane (StartConfigurationSession and
   * GetLatestConfiguration) in this environment only.
   */
  public grantRead(grantee: iam.IGrantable): iam.Grant {
    return iam.Grant.addToPrincipal({
      grantee,
      actions: ['appconfig:StartConfigurationSession', 'appconfig:GetLatestConfiguration'],
      resourceArns: [this.configurationArn],
    });
  }

  /**
   * Lets `grantee` change a flag: read the hosted versions of the profile, create a new one, read
   * the environment's deployments, and deploy the new version to this environment with this
   * construct's strategy (what `npx cdk-ha-kit resume` does for the monitor's switches). Each action on the resources it takes, per the Service
   * Authorization Reference for AWS AppConfig:
   * https://docs.aws.amazon.com/service-authorization/latest/reference/list_awsappconfig.html
   */
  public grantDeploy(grantee: iam.IGrantable): iam.Grant {
    const profile = this.configuration.configurationProfileArn;
    const versions = iam.Grant.addToPrincipal({
      grantee,
      actions: ['appconfig:ListHostedConfigurationVersions', 'appconfig:GetHostedConfigurationVersion', 'appconfig:CreateHostedConfigurationVersion'],
      resourceArns: [profile, `${profile}/hostedconfigurationversion/*`],
    });
    const deploy = iam.Grant.addToPrincipal({
      grantee,
      actions: ['appconfig:StartDeployment'],
      resourceArns: [this.application.applicationArn, this.environment.environmentArn, profile, this.deploymentStrategy.deploymentStrategyArn],
    });
    const deployments = iam.Grant.addToPrincipal({
      grantee,
      actions: ['appconfig:ListDeployments', 'appconfig:GetDeployment'],
      resourceArns: [this.environment.environmentArn, `${this.environment.environmentArn}/deployment/*`],
    });
    return versions.combine(deploy).combine(deployments);
  }

  /** The profile in the `AWS.AppConfig.FeatureFlags` format. */
  private document(): Record<string, unknown> {
    return {
      version: '1',
      flags: Object.fromEntries(this.flags.map((f) => [f.name, { name: f.name, ...(f.description ? { description: f.description } : {}) }])),
      values: Object.fromEntries(this.flags.map((f) => [f.name, { enabled: f.enabled ?? false }])),
    };
  }

  private validate(props: FeatureFlagsProps, groups: number): void {
    const v = new Validator();
    const seen = new Set<string>();
    this.flags.forEach((flag, i) => {
      const prop = i < (props.flags ?? []).length ? `flags[${i}].name` : 'monitorSwitches';
      v.matches(prop, flag.name, FLAG_KEY, 'a lowercase letter, then letters, digits, "_" or "-"; at most 64 characters');
      if (seen.has(flag.name)) v.add(prop, JSON.stringify(flag.name), 'a name no other flag has');
      seen.add(flag.name);
      // A flag's description is a `customerDefinedDescription` of the AWS.AppConfig.FeatureFlags
      // schema: at most 1024 characters (AppConfig User Guide, type reference for feature flags,
      // https://docs.aws.amazon.com/appconfig/latest/userguide/appconfig-type-reference-feature-flags.html).
      validateDescription(v, `flags[${i}].description`, APPCONFIG_DESCRIPTION, flag.description);
    });
    const r = this.rollout;
    // GrowthFactor is a float from 1.0 to 100.0 (AppConfig API Reference, CreateDeploymentStrategy,
    // https://docs.aws.amazon.com/appconfig/2019-10-09/APIReference/API_CreateDeploymentStrategy.html).
    if (!Token.isUnresolved(r.growthFactor) && !(r.growthFactor >= 1 && r.growthFactor <= 100)) {
      v.add('rollout.growthFactor', String(r.growthFactor), 'a number from 1 to 100 (decimals allowed)');
    }
    for (const [name, d] of [['rollout.duration', r.duration], ['rollout.bakeTime', r.bakeTime]] as const) {
      if (d.isUnresolved()) continue;
      const minutes = d.toSeconds({ integral: false }) / 60;
      if (!Number.isInteger(minutes) || minutes < 0 || minutes > 1440) v.add(name, formatSeconds(d), 'whole minutes from 0 to 24 hours');
    }
    const alarms = props.rollbackAlarms ?? [];
    if (groups > MAX_RULE_CHILDREN) {
      v.add('rollbackAlarms', `${alarms.length} alarms, ${groups} composite alarms of them`,
        `as many as ${MAX_RULE_CHILDREN} composite alarms hold, each rule within ${MAX_ALARM_RULE_LENGTH} characters and ${MAX_RULE_CHILDREN} alarms (PutCompositeAlarm)`);
    }
    if ((props.rollbackAlarmActions ?? []).length > 0 && alarms.length === 0) v.add('rollbackAlarmActions', `${props.rollbackAlarmActions!.length} actions`, 'none without rollbackAlarms: there is no rollback alarm to act on');
    // Application and environment names: 1 to 64 characters (AppConfig API Reference,
    // CreateApplication and CreateEnvironment, `Name`,
    // https://docs.aws.amazon.com/appconfig/2019-10-09/APIReference/API_CreateApplication.html).
    for (const [prop, name] of [['applicationName', props.applicationName], ['environmentName', props.environmentName]] as const) {
      if (name !== undefined && !Token.isUnresolved(name)) v.matches(prop, name, /^.{1,64}$/su, '1 to 64 characters');
    }
    v.throwIfAny(this);
  }
}
