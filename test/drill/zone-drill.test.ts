/**
 * `npm run drill -- --zone`: one zone's targets die; the monitor takes them out within its cap
 * and leaves the name and the accelerator alone; ELB's and ARC's next steps are shown as modelled.
 */
import { runMain } from './run-main';
import { ZoneDrillResult, judgeZone } from './zone-drill';

describe('npm run drill -- --zone', () => {
  let result: ZoneDrillResult;

  test('--json: the zone\'s targets taken out within the cap, the name and the accelerator left alone, the capacity enough', async () => {
    const { code, lines } = await runMain(['--zone', '--json']);
    expect(lines).toHaveLength(1);
    result = JSON.parse(lines[0]);
    expect(result.problems).toEqual([]);
    expect(code).toBe(0);
    expect(result).toMatchObject({ zone_lost: 'a', targets: 6, targets_in_zone: 2, taken_out: 2, ejection_cap: 3, name_failed_over: false, vip_moved: false });
    expect(result.detected_ms).toBeLessThanOrEqual(result.budget_ms.detection);
    // What AWS does next, as the reference app models an impaired zone: ELB, the shift, the DNS TTL.
    expect(result.next.map((s) => s.step)).toEqual([
      'load balancer: detection', 'ARC zonal autoshift starts a zonal shift', 'load balancer DNS: the zone\'s address leaves the answers', 'clients: DNS cache beyond the TTL',
    ]);
    expect(result.next[2]).toEqual({ step: 'load balancer DNS: the zone\'s address leaves the answers', ms: 60_000, kind: 'AWS_BOUND' });
    expect(result.capacity).toEqual({ total: 3, zones: 3, required: 2, after_zone_loss: 2 });
  }, 90_000);

  test('the checks catch a region\'s move for a zone, targets past the cap, and capacity short of the load', () => {
    const base = { ...result, problems: undefined };
    expect(judgeZone({ ...base, name_failed_over: true })).toContain('the name failed over to the standby region for the loss of one zone');
    expect(judgeZone({ ...base, taken_out: 4 })).toContain('4 targets taken out, past the ejection cap of 3');
    expect(judgeZone({ ...base, capacity: { ...base.capacity, after_zone_loss: 1 } })).toContain('the reference app keeps 1 tasks without a zone, under its load of 2');
  });
});
