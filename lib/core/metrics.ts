/**
 * The metrics the health monitor's handler emits, as CloudWatch reads them: the namespace the
 * monitor and the service registry share, and each metric by name with the statistic it is read
 * with. Here because both tiers read them and neither may import the other.
 */
import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import type { MetricName } from '../../lambda/health-monitor/contract';

/** CloudWatch namespace of the metrics the health monitor emits, its registry metrics included. */
export const METRICS_NAMESPACE = 'CdkHaKit/HealthMonitor';

/** The `service` dimension Powertools adds to the monitor's own metrics. */
export const SERVICE_NAME = 'cdk-ha-kit-health-monitor';

/** The statistic each metric is read with unless told otherwise: what its value means per minute. */
const DEFAULT_STATISTIC: Record<MetricName, string> = {
  LeaderHeartbeat: 'Sum', LeaderEpoch: 'Maximum', TargetsUp: 'Minimum', TargetsDown: 'Maximum', TargetsUnknown: 'Maximum',
  ProbeLatency: 'p99', ProbeCycleTime: 'Maximum', Actions: 'Sum', ActionFailures: 'Sum', RefusedStaleActions: 'Sum', CappedActions: 'Sum',
  SkippedFailOpen: 'Sum', Alerts: 'Sum', CycleErrors: 'Sum', CircuitsOpen: 'Maximum', CallsRefused: 'Sum', Paused: 'Maximum', DryRun: 'Maximum',
  HeldBack: 'Sum', UnknownOutcomes: 'Sum', DiscoveryErrors: 'Sum', Blind: 'Maximum', SwitchReadErrors: 'Sum', ForgottenTargets: 'Sum',
  RegistryHealthy: 'Minimum', RegistryUnhealthy: 'Maximum', RegistryChanges: 'Sum', RegistryFailures: 'Sum',
};

/**
 * A metric the handler emits, under `dimensions`, over one minute, with its own statistic unless
 * `props` says otherwise.
 */
export function emittedMetric(name: MetricName, dimensions: Record<string, string>, props?: cloudwatch.MetricOptions): cloudwatch.Metric {
  return new cloudwatch.Metric({
    namespace: METRICS_NAMESPACE,
    metricName: name,
    dimensionsMap: dimensions,
    statistic: DEFAULT_STATISTIC[name],
    period: Duration.minutes(1),
    ...props,
  });
}
