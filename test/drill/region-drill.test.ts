/**
 * `npm run drill -- --region`: the reference service's Region switch plan, read from its template
 * and run against fakes of both regions with the primary lost, with each fault.
 */
import { judgeRegion, regionDrill } from './region/region-drill';
import { runMain } from './run-main';

describe('npm run drill -- --region', () => {
  test('--json: one writer at a time, RTO and RPO within their bounds, and each fault injected', async () => {
    const { code, lines } = await runMain(['--region', '--json']);
    expect(lines).toHaveLength(1);
    const r = JSON.parse(lines[0]);
    expect(r.problems).toEqual([]);
    expect(code).toBe(0);
    for (const key of ['region_detected_ms', 'db_promoted_ms', 'cache_promoted_ms', 'traffic_moved_ms', 'writable_ms', 'rto_ms', 'rto_bound_ms', 'rpo_bound_ms']) {
      expect(r[key]).toBeGreaterThan(0);
    }
    expect(r.writers_max).toBe(1);
    expect(r.rto_ms).toBeLessThanOrEqual(r.rto_bound_ms);
    expect(r.rpo_ms).toBeLessThanOrEqual(r.rpo_bound_ms);
    // Writes were lost with the region (the lag), and counted.
    expect(r.lost_writes).toBeGreaterThan(0);
    // The plan's steps, in the order ARC ran them: the approval, the compute, the data in
    // parallel, then the traffic, after the database.
    expect(r.steps.slice(0, 2)).toEqual(['approve', 'scale-1']);
    expect(r.steps.slice(2, 5).sort()).toEqual(['promote-cache', 'promote-data', 'promote-database']);
    expect(r.steps[5]).toBe('move-traffic');
    // The primary lost, its health moved the name before the plan's step came to it.
    expect(r.traffic_moved_by).toBe('health');
    // Both regions healthy: a switchover loses nothing, and only the plan's step moves the name.
    expect(r.switchover).toMatchObject({ graceful: true, outcome: 'completed', traffic_moved_by: 'plan', lost_writes: 0, writers_max: 1, db_promotions: 1 });
    expect(r.switchover.rto_ms).toBeLessThanOrEqual(r.switchover.rto_bound_ms);
    expect(r.outcome).toBe('completed');
    // The primary back mid-switch: still one writer, the plan completes.
    expect(r.faults['primary-returns']).toMatchObject({ outcome: 'completed', writers_max: 1, db_promotions: 1 });
    // Answers lost: looked for, not asked again.
    expect(r.faults['lost-answer']).toMatchObject({ outcome: 'completed', db_promotions: 1, cache_promotions: 1 });
    // The cache step out of time: the plan, which does not skip it, stops there; the database is promoted.
    expect(r.faults['cache-timeout'].outcome).toBe('stopped: promote-cache timed out after 15 min');
    expect(r.faults['cache-timeout'].db_promoted_ms).toBeGreaterThan(0);
  }, 120_000);

  test('the checks catch two writers: a detach-and-promote leaves the old primary writing when its region comes back', async () => {
    const r = await regionDrill('primary-returns', { promoteBy: 'detach' });
    expect(r.writers_max).toBe(2);
    expect(judgeRegion(r)).toContain('2 regions accepted writes at once');
  }, 60_000);
});
