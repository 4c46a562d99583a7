import * as fs from 'fs';
import * as path from 'path';
import { MAX_BACKOFF_MS } from '../../lambda/health-monitor/alerts';
import { LATE_READ_INTERVALS, SIGNED_REQUEST_WINDOW_MS } from '../../lambda/health-monitor/contract';
import { DEFAULT_HEALTH_CHECK } from '../../lib/monitoring/settings';

/** The monitor's figures the README states in prose, from the constants the handler runs on. */
const README = fs.readFileSync(path.join(__dirname, '..', '..', 'README.md'), 'utf8').replace(/\s+/g, ' ');

describe('the README states the monitor\'s figures as the code has them', () => {
  test('a change whose outcome was never seen may land for the signing window', () => {
    expect(README).toContain(`The monitor takes the ${SIGNED_REQUEST_WINDOW_MS / 60_000} minutes, plus one call timeout`);
    expect(README).toContain(`may land up to ${SIGNED_REQUEST_WINDOW_MS / 60_000} minutes after it was sent`);
  });

  test('a late change is undone within a few probe intervals', () => {
    const seconds = (LATE_READ_INTERVALS * DEFAULT_HEALTH_CHECK.interval.toMilliseconds()) / 1000;
    expect(README).toContain(`every ${LATE_READ_INTERVALS} probe intervals (${seconds} s by default)`);
    expect(README).toContain(`its group is listed every ${LATE_READ_INTERVALS} probe intervals (${seconds} s)`);
  });

  test('a failed publish backs off to at most the code\'s ceiling', () => {
    expect(README).toContain(`from one probe interval to ${MAX_BACKOFF_MS / 1000} s`);
  });
});
