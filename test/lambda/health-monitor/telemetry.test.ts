import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import { PowertoolsTelemetry } from '../../../lambda/health-monitor/wiring';

/** An embedded-metric-format line: the metadata, and each dimension and metric by name. */
interface EmfLine {
  readonly _aws: { readonly CloudWatchMetrics: Array<{ readonly Dimensions: string[][]; readonly Metrics: Array<{ readonly Name: string }> }> };
  readonly [field: string]: unknown;
}

/** The embedded-metric-format lines the telemetry writes, parsed. */
function emitted(run: (t: PowertoolsTelemetry) => void): EmfLine[] {
  const lines: string[] = [];
  const write = jest.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    lines.push(...String(chunk).split('\n').filter(Boolean));
    return true;
  });
  try {
    run(new PowertoolsTelemetry(new Logger({ logLevel: 'SILENT' }), new Metrics({ namespace: 'CdkHaKit/HealthMonitor', serviceName: 'cdk-ha-kit-health-monitor', defaultDimensions: { Monitor: 'shop' } })));
  } finally {
    write.mockRestore();
  }
  return lines.map((l) => JSON.parse(l) as EmfLine).filter((l) => l._aws);
}

describe('PowertoolsTelemetry', () => {
  test('cycle metrics carry the monitor\'s dimensions; registry metrics only their service\'s, as ServiceRegistry reads them', () => {
    const lines = emitted((t) => {
      t.metric('RegistryHealthy', 3, 'Count', { Registry: 'service.internal/api' });
      t.metric('TargetsUp', 2);
      t.flush();
    });
    expect(lines.map((l) => [l._aws.CloudWatchMetrics[0].Dimensions, l._aws.CloudWatchMetrics[0].Metrics.map((m) => m.Name)])).toEqual([
      [[['Registry']], ['RegistryHealthy']],
      [[['service', 'Monitor']], ['TargetsUp']],
    ]);
    expect(lines[0]).toMatchObject({ Registry: 'service.internal/api', RegistryHealthy: 3 });
    expect(lines[1]).toMatchObject({ service: 'cdk-ha-kit-health-monitor', Monitor: 'shop', TargetsUp: 2 });
  });
});
