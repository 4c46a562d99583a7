/**
 * Where the contenders' code comes from: the handler in `lambda/health-monitor/`, bundled with
 * its dependencies when this library is built and shipped inside its package, so that synth
 * needs neither esbuild nor Docker and installs no AWS SDK.
 */
import * as fs from 'fs';
import * as path from 'path';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { IConstruct } from 'constructs';
import { HaValidationError } from '../core/errors';

/** The bundle's folder, relative to the package's root. */
const BUNDLE_DIR = path.join('dist', 'assets', 'health-monitor');

/**
 * The pre-built handler. This module runs from `lib/monitoring/` in the repository and from
 * `dist/lib/monitoring/` in the package; the nearest folder with a package.json is the package's
 * root either way.
 */
export function handlerCode(scope: IConstruct): lambda.Code {
  const bundle = path.join(packageRoot(__dirname), BUNDLE_DIR);
  if (!fs.existsSync(path.join(bundle, 'index.js'))) {
    throw new HaValidationError(scope.node.path, [{
      prop: 'handler', value: `no bundle in ${bundle}`, allowed: 'the handler built with the library (npm run build)',
    }], 'setup');
  }
  return lambda.Code.fromAsset(bundle);
}

function packageRoot(from: string): string {
  for (let dir = from; ; dir = path.dirname(dir)) {
    if (fs.existsSync(path.join(dir, 'package.json'))) return dir;
    if (path.dirname(dir) === dir) return from;
  }
}
