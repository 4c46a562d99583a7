import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { DrillResult, judge, main } from './drill';

/** `npm run drill` runs `main` with its arguments, as here; it exits with what `main` returns. */
describe('npm run drill', () => {
  test('--json: failover, leader takeover and recovery within the monitor\'s worst cases, one alert per incident', async () => {
    const svg = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'drill-')), 'timeline.svg');
    const printed: string[] = [];
    const log = jest.spyOn(console, 'log').mockImplementation((line: string) => void printed.push(line));
    let code: number;
    try {
      code = await main(['--json', '--svg', svg]);
    } finally {
      log.mockRestore();
    }
    expect(code).toBe(0);
    const lines = printed.join('\n').trim().split('\n');
    expect(lines).toHaveLength(1);
    const result = JSON.parse(lines[0]) as DrillResult;
    expect(result.problems).toEqual([]);
    for (const key of ['detected_ms', 'first_action_ms', 'leader_takeover_ms', 'recovered_ms', 'vip_failover_ms', 'vip_recovered_ms'] as const) {
      expect(result[key]).toBeGreaterThan(0);
    }
    expect(result.vip_failover_ms).toBeLessThanOrEqual(result.budget_ms.vip_failover);
    expect(result.vip_recovered_ms).toBeLessThanOrEqual(result.budget_ms.recovery);
    expect(result.detected_ms).toBeLessThanOrEqual(result.budget_ms.detection);
    expect(result.leader_takeover_ms).toBeLessThanOrEqual(result.budget_ms.takeover);
    expect(result.recovered_ms).toBeLessThanOrEqual(result.budget_ms.recovery);
    expect(Object.values(result.alerts_per_incident)).toEqual([1]);
    expect(result.alerts_sent).toBe(2);
    // Every backend down: none taken out, routing left to ELB.
    expect(result.targets_taken_out).toBe(0);
    expect(result.ejection_cap).toBe(1);
    expect(result.stale_actions_refused).toBe(0);
    // Epoch 1, then another contender with epoch 2.
    expect(result.leaders).toHaveLength(2);
    expect(new Set(result.leaders.map((l) => l.split(' ')[0])).size).toBe(2);
    expect(result.duration_ms).toBeLessThan(60_000);

    const picture = fs.readFileSync(svg, 'utf8');
    expect(picture).toMatch(/^<svg xmlns="http:\/\/www.w3.org\/2000\/svg"/);
    for (const label of ['kill the primary', 'kill the leader', 'bring the primary back', 'alert (', 'recovered (', '✕ killed', 'primary out', 'PASS']) {
      expect(picture).toContain(label);
    }
  }, 120_000);

  test('an unknown argument is refused before anything runs (the command then exits with 1, saying why)', async () => {
    await expect(main(['--jsn'])).rejects.toThrow("Unknown option '--jsn'");
  });
});

describe('the verdict', () => {
  const passing: Omit<DrillResult, 'problems'> = {
    detected_ms: 1400, first_action_ms: 1450, failover_ms: 1500, vip_failover_ms: 1480, leader_takeover_ms: 3000, recovered_ms: 1700, vip_recovered_ms: 1650,
    alerts_sent: 2, alerts_per_incident: { 'Api@t/e1': 1 }, targets_taken_out: 0, ejection_cap: 1, stale_actions_refused: 0, leaders: ['c1 epoch 1', 'c2 epoch 2'],
    budget_ms: { detection: 2600, failover: 2600, vip_failover: 2600, takeover: 4100, recovery: 2600 }, accelerator_reaction_ms: 30_000, duration_ms: 13_000,
  };

  test('a drill that did everything in time passes', () => {
    expect(judge(passing)).toEqual([]);
  });

  test.each([
    ['no failover', { failover_ms: undefined }, 'the name was not failed over to the standby'],
    ['a late failover', { failover_ms: 2700 }, 'the DNS failover took 2700 ms, over the budget of 2600 ms'],
    ['no accelerator failover', { vip_failover_ms: undefined }, 'the accelerator\'s primary endpoint was not taken out of traffic'],
    ['a late accelerator failover', { vip_failover_ms: 2601 }, 'the accelerator failover took 2601 ms, over the budget of 2600 ms'],
    ['no accelerator restore', { vip_recovered_ms: undefined }, 'the accelerator\'s primary endpoint was not put back after the primary came back'],
    ['no detection', { detected_ms: undefined }, 'the primary\'s backends were never all marked DOWN'],
    ['no action', { first_action_ms: undefined }, 'no action was taken after the primary failed'],
    ['no takeover', { leader_takeover_ms: undefined }, 'no contender took over from the killed leader'],
    ['a slow takeover', { leader_takeover_ms: 4101 }, 'the leader takeover took 4101 ms, over the budget of 4100 ms'],
    ['no recovery', { recovered_ms: undefined }, 'the name was not restored with a recovery alert after the primary came back'],
    ['two alerts for one incident', { alerts_sent: 3, alerts_per_incident: { 'Api@t/e1': 2 } }, 'incident Api@t/e1 sent 2 alerts, not one',
      '3 messages for 1 incident(s): one alert and one recovery each expected'],
    ['no alert', { alerts_sent: 0, alerts_per_incident: {} }, 'no alert was sent'],
    ['no recovery alert', { alerts_sent: 1 }, '1 messages for 1 incident(s): one alert and one recovery each expected'],
    ['targets taken out past the cap', { targets_taken_out: 2 }, '2 targets taken out, past the ejection cap of 1'],
    ['over a minute', { duration_ms: 60_001 }, 'the drill took 60001 ms, over a minute'],
  ])('%s fails it', (_, change, ...problems) => {
    expect(judge({ ...passing, ...change })).toEqual(problems);
  });
});
