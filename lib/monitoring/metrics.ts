/** CloudWatch namespace of the metrics the health monitor emits, its registry metrics included. */
export const METRICS_NAMESPACE = 'CdkHaKit/HealthMonitor';

/** The `service` dimension Powertools adds to the monitor's own metrics. */
export const SERVICE_NAME = 'cdk-ha-kit-health-monitor';
