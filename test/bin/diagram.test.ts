import * as fs from 'fs';
import { DIAGRAM_FILE, appFacts, renderArchitecture } from '../../bin/diagram';

describe('the architecture diagram', () => {
  const drawn = renderArchitecture(appFacts());

  test('is drawn from the synthesized app: its regions, tiers and settings', () => {
    for (const fact of [
      'HaKitReference · eu-west-1 · primary', 'HaKitStandby · eu-central-1 · standby', 'HaKitRoute53Alarms · us-east-1',
      'VPC over 3 zones (a, b, c), Public, App, Data subnets in each', 'api.example.com. A, failover records: PRIMARY → SECONDARY',
      'Api: HTTP / every 5 s, out after 2', '3 Fargate tasks', 'valkey 8.1, cache.r7g.large', 'primary of a Global Datastore', 'Global Datastore secondary, 2 cache nodes', '1 primary + 2 replicas',
      'aurora-postgresql 16.4, 2 × db.r7g.large', 'primary of a global database, at most 60 s of writes behind', 'HaKitStandbyData: database and cache',
      'global secondary, 1 read-only instance(s)', '2 contenders started rate(1 minute)', 'HealthCheckStatus of the PRIMARY health check',
    ]) expect(drawn).toContain(fact);
  });

  test('the committed bin/architecture.svg is current (regenerate with `npm run diagram`)', () => {
    expect(fs.readFileSync(DIAGRAM_FILE, 'utf8')).toBe(drawn);
  });
});
