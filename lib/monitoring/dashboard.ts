/**
 * The dashboard of a LeaderHealthMonitor, drawn from its metrics and its function's.
 */
import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { Construct } from 'constructs';
import { MonitorMetrics } from './metrics';

/** What the dashboard shows: the monitor's metrics, its function's, and the groups it watches. */
export interface MonitorDashboardSource {
  readonly metrics: MonitorMetrics;
  readonly fn: lambda.IFunction;
  readonly groups: string[];
}

/** The monitor's dashboard: who leads, what it sees, what it does, how fast it probes. */
export function createMonitorDashboard(scope: Construct, source: MonitorDashboardSource): cloudwatch.Dashboard {
  const { metrics, fn, groups } = source;
  const dashboard = new cloudwatch.Dashboard(scope, 'Dashboard', {
    defaultInterval: Duration.hours(3),
  });
  const width = 8;
  dashboard.addWidgets(
    new cloudwatch.TextWidget({
      markdown: `## Health monitor \`${metrics.monitorId}\`\nWatching ${groups.length > 0 ? groups.map((g) => `\`${g}\``).join(', ') : 'endpoints'}. `
        + 'A step in the epoch is a change of leader; heartbeats stop when no contender leads.',
      width: 24,
      height: 2,
    }),
  );
  dashboard.addWidgets(
    new cloudwatch.GraphWidget({
      title: 'Leader and epoch',
      left: [metrics.of('LeaderHeartbeat', { label: 'Leader cycles' })],
      right: [metrics.of('LeaderEpoch', { label: 'Epoch' })],
      width,
    }),
    new cloudwatch.GraphWidget({
      title: 'Targets',
      left: [metrics.of('TargetsUp', { label: 'UP' }), metrics.of('TargetsDown', { label: 'DOWN' }), metrics.of('TargetsUnknown', { label: 'UNKNOWN' })],
      width,
    }),
    new cloudwatch.GraphWidget({
      title: 'Actions',
      left: [
        metrics.of('Actions', { label: 'Target-group and DNS changes' }),
        metrics.of('Alerts', { label: 'Alerts' }),
        metrics.of('ActionFailures', { label: 'Failed' }),
        metrics.of('RefusedStaleActions', { label: 'Refused (deposed leader)' }),
        metrics.of('CappedActions', { label: 'Held back by the cap' }),
        metrics.of('SkippedFailOpen', { label: 'Kept in (last healthy)' }),
      ],
      width,
    }),
  );
  dashboard.addWidgets(
    new cloudwatch.GraphWidget({
      title: 'Probe latency',
      left: [metrics.of('ProbeLatency', { statistic: 'p50', label: 'p50' }), metrics.of('ProbeLatency', { label: 'p99' })],
      right: [metrics.of('ProbeCycleTime', { label: 'Cycle time (max)' })],
      width,
    }),
    new cloudwatch.GraphWidget({
      title: 'Invocations',
      left: [fn.metricInvocations({ label: 'Invocations' }), fn.metricErrors({ label: 'Errors' }), fn.metricThrottles({ label: 'Throttles' }), metrics.of('CycleErrors', { label: 'Failed cycles' })],
      width,
    }),
    new cloudwatch.GraphWidget({
      title: 'Invocation duration',
      left: [fn.metricDuration({ statistic: 'Maximum', label: 'Max' })],
      width,
    }),
  );
  dashboard.addWidgets(
    new cloudwatch.GraphWidget({
      title: 'Circuit breakers and switches',
      left: [metrics.of('CircuitsOpen', { label: 'Circuits not closed' }), metrics.of('CallsRefused', { label: 'Calls refused' })],
      right: [metrics.of('Paused', { label: 'Paused' }), metrics.of('DryRun', { label: 'Dry run' })],
      width,
    }),
  );
  return dashboard;
}
