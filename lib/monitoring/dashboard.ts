import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import type { LeaderHealthMonitor } from './leader-health-monitor';

/** The monitor's dashboard: who leads, what it sees, what it does, how fast it probes. */
export function createMonitorDashboard(monitor: LeaderHealthMonitor, fn: lambda.IFunction, groups: string[]): cloudwatch.Dashboard {
  const dashboard = new cloudwatch.Dashboard(monitor, 'Dashboard', {
    defaultInterval: Duration.hours(3),
  });
  const width = 8;
  dashboard.addWidgets(
    new cloudwatch.TextWidget({
      markdown: `## Health monitor \`${monitor.monitorId}\`\nWatching ${groups.length > 0 ? groups.map((g) => `\`${g}\``).join(', ') : 'endpoints'}. `
        + 'A step in the epoch is a change of leader; heartbeats stop when no contender leads.',
      width: 24,
      height: 2,
    }),
  );
  dashboard.addWidgets(
    new cloudwatch.GraphWidget({
      title: 'Leader and epoch',
      left: [monitor.metricLeaderHeartbeat({ label: 'Leader cycles' })],
      right: [monitor.metricLeaderEpoch({ label: 'Epoch' })],
      width,
    }),
    new cloudwatch.GraphWidget({
      title: 'Targets',
      left: [monitor.metricTargetsUp({ label: 'UP' }), monitor.metricTargetsDown({ label: 'DOWN' }), monitor.metric('TargetsUnknown', { label: 'UNKNOWN' })],
      width,
    }),
    new cloudwatch.GraphWidget({
      title: 'Actions',
      left: [
        monitor.metricActions({ label: 'Target-group and DNS changes' }),
        monitor.metricAlerts({ label: 'Alerts' }),
        monitor.metricActionFailures({ label: 'Failed' }),
        monitor.metricRefusedStaleActions({ label: 'Refused (deposed leader)' }),
        monitor.metric('CappedActions', { label: 'Held back by the cap' }),
        monitor.metric('SkippedFailOpen', { label: 'Kept in (last healthy)' }),
      ],
      width,
    }),
  );
  dashboard.addWidgets(
    new cloudwatch.GraphWidget({
      title: 'Probe latency',
      left: [monitor.metricProbeLatency({ statistic: 'p50', label: 'p50' }), monitor.metricProbeLatency({ label: 'p99' })],
      right: [monitor.metricProbeCycleTime({ label: 'Cycle time (max)' })],
      width,
    }),
    new cloudwatch.GraphWidget({
      title: 'Invocations',
      left: [fn.metricInvocations({ label: 'Invocations' }), fn.metricErrors({ label: 'Errors' }), fn.metricThrottles({ label: 'Throttles' }), monitor.metricCycleErrors({ label: 'Failed cycles' })],
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
      left: [monitor.metricCircuitsOpen({ label: 'Circuits not closed' }), monitor.metricCallsRefused({ label: 'Calls refused' })],
      right: [monitor.metricPaused({ label: 'Paused' }), monitor.metric('DryRun', { label: 'Dry run' })],
      width,
    }),
  );
  return dashboard;
}
