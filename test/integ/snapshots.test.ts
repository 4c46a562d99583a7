import * as fs from 'fs';
import { contents, integApps, snapshotDir, synthesize } from './snapshots';

describe('integration tests (synthesized, not deployed)', () => {
  test('there are integration test apps, each with a committed snapshot', () => {
    expect(integApps()).toEqual(['integ.dns-failover.ts', 'integ.highly-available-service.ts']);
    for (const app of integApps()) expect(fs.existsSync(snapshotDir(app))).toBe(true);
  });

  test.each(integApps())('%s synthesizes as its snapshot (regenerate with `npm run integ:snapshot`)', (app) => {
    const outdir = synthesize(app);
    try {
      expect(contents(outdir)).toEqual(contents(snapshotDir(app)));
    } finally {
      fs.rmSync(outdir, { recursive: true, force: true });
    }
  }, 180_000);
});
