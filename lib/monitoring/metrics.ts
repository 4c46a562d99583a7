/** One monitor's metrics, as its alarms and dashboard read them. */
import type * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import type { MetricName } from '../../lambda/health-monitor/contract';
import { MONITOR_DIMENSION } from '../../lambda/health-monitor/contract';
import { SERVICE_NAME, emittedMetric } from '../core/metrics';

/** The metrics of one monitor, under the dimensions its handler emits them with. */
export class MonitorMetrics {
  constructor(public readonly monitorId: string) {}

  /** `name`, as `emittedMetric` reads it, for this monitor. */
  public of(name: MetricName, props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return emittedMetric(name, { [MONITOR_DIMENSION]: this.monitorId, service: SERVICE_NAME }, props);
  }
}
