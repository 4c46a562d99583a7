/**
 * Code this library ships pre-built: each function of `lambda/` bundled with its dependencies
 * when the library is built, into `dist/assets/<name>/`, so that synth needs neither esbuild nor
 * Docker and installs no AWS SDK.
 */
import * as fs from 'fs';
import * as path from 'path';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { IConstruct } from 'constructs';
import { HaValidationError } from './errors';

/**
 * The pre-built bundle `name`. This module runs from `lib/core/` in the repository and from
 * `dist/lib/core/` in the package; the nearest folder with a package.json is the package's root
 * either way.
 */
export function shippedCode(scope: IConstruct, name: string): lambda.Code {
  const bundle = path.join(packageRoot(__dirname), 'dist', 'assets', name);
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
