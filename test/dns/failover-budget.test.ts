import { EndpointKind } from '../../lib';
import { FailoverModel, cheapestChange, failoverBreakdown, fastestPossible } from '../../lib/dns/failover-budget';

const endpoint = (interval: number, threshold: number, checkType: 'HTTP' | 'HTTPS' | 'TCP' | 'HTTP_STR_MATCH' = 'HTTP', endpointKind = EndpointKind.AWS): FailoverModel['detection'] =>
  ({ kind: 'endpoint', checkType, interval, threshold, endpoint: endpointKind });
const aliasTtl = { seconds: 60, fixed: true, minSeconds: 30, policy: 'external' };
const recordTtl = (seconds: number, minSeconds: number) => ({ seconds, fixed: false, minSeconds, policy: 'external' });

describe('failover time = detection + propagation + TTL', () => {
  test.each([
    // detection, ttl, expected detection, expected total
    ['HTTP, 30 s × 3, alias', endpoint(30, 3), aliasTtl, 96, 216],
    ['HTTP, 10 s × 2, alias', endpoint(10, 2), aliasTtl, 26, 146],
    ['TCP, 30 s × 1, record TTL 30 s', endpoint(30, 1, 'TCP'), recordTtl(30, 30), 40, 130],
    ['string match, 10 s × 3, record TTL 60 s', endpoint(10, 3, 'HTTP_STR_MATCH'), recordTtl(60, 30), 38, 158],
    ['target health of a 35 s load balancer', { kind: 'load-balancer', seconds: 35, extraSeconds: 0, via: 'target health' } as const, aliasTtl, 35, 155],
    ['alarms on a 35 s load balancer', { kind: 'load-balancer', seconds: 35, extraSeconds: 120, via: 'alarm' } as const, aliasTtl, 155, 275],
    ['a detection time given by the user', { kind: 'fixed', seconds: 42, explanation: 'given' } as const, recordTtl(10, 10), 42, 112],
  ])('%s', (_name, detection, ttl, expectedDetection, expectedTotal) => {
    const breakdown = failoverBreakdown({ detection, ttl });
    expect(breakdown.steps.map((s) => s.name)).toEqual(['detection', 'propagation', 'ttl']);
    expect(breakdown.steps[0].duration.toSeconds()).toBe(expectedDetection);
    expect(breakdown.steps[1].duration.toSeconds()).toBe(60);
    expect(breakdown.total.toSeconds()).toBe(expectedTotal);
  });

  test('renders one line per step and the total', () => {
    expect(failoverBreakdown({ detection: endpoint(30, 3), ttl: aliasTtl }).render('  ')).toBe([
      '  detection: 96 s (Route 53 HTTP health check: 30 s interval × 3 failures + 6 s checker timeout) [configured: checker timeouts: Route 53 Developer Guide, "How Amazon Route 53 determines whether a health check is healthy"]',
      '  propagation: 60 s (Route 53 name servers answer with the secondary, documented as within 60 s) [AWS typical: Route 53 Developer Guide, "Editing records": "generally propagate ... within 60 seconds"]',
      '  ttl: 60 s (resolvers keep the cached primary answer: alias records carry the target\'s fixed 60 s TTL) [configured]',
      '  total: 216 s',
    ].join('\n'));
  });
});

describe('the cheapest change that meets a budget', () => {
  test.each([
    ['a free threshold change before a paid interval', { detection: endpoint(30, 3), ttl: aliasTtl }, 180,
      ['lower the Route 53 failure threshold from 3 to 1 (free; one failed probe weighs more)'], 0, 156],
    ['the least sensitive threshold that is enough', { detection: endpoint(30, 3), ttl: aliasTtl }, 190,
      ['lower the Route 53 failure threshold from 3 to 2 (free; one failed probe weighs more)'], 0, 186],
    ['a TTL change, free, before anything else', { detection: endpoint(30, 3), ttl: recordTtl(60, 30) }, 190,
      ['lower the TTL from 60 s to 30 s (free)'], 0, 186],
    ['the fast interval when free changes are not enough', { detection: endpoint(30, 1), ttl: aliasTtl }, 140,
      ['use the fast 10 s Route 53 request interval (+$1.00/month)'], 1, 136],
    ['the non-AWS price of the fast interval', { detection: endpoint(30, 2, 'HTTP', EndpointKind.NON_AWS), ttl: recordTtl(30, 30) }, 110,
      ['use the fast 10 s Route 53 request interval (+$2.00/month)', 'lower the Route 53 failure threshold from 2 to 1 (free; one failed probe weighs more)'], 2, 106],
    ['the FAST preset on the load balancer', { detection: { kind: 'load-balancer', seconds: 35, extraSeconds: 120, via: 'alarm' }, ttl: aliasTtl } as FailoverModel, 260,
      ['use HealthCheckPreset.FAST on the load balancer\'s target groups (free)'], 0, 252],
  ])('%s', (_name, model, budget, changes, cost, total) => {
    const change = cheapestChange(model, budget)!;
    expect(change.changes).toEqual(changes);
    expect(change.monthlyUsd).toBe(cost);
    expect(change.total).toBe(total);
  });

  test('nothing when even the fastest setting misses the budget', () => {
    const model: FailoverModel = { detection: endpoint(30, 3), ttl: aliasTtl };
    expect(cheapestChange(model, 120)).toBeUndefined();
    expect(fastestPossible(model)).toBe(136);
  });

  test('no change needed when the budget is already met', () => {
    expect(cheapestChange({ detection: endpoint(10, 2), ttl: aliasTtl }, 300)!.changes).toEqual([]);
  });
});
