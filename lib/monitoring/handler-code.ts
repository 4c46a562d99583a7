/** Where the contenders' code comes from: the handler in `lambda/health-monitor/`, shipped pre-built. */
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { IConstruct } from 'constructs';
import { shippedCode } from '../core/shipped-code';

/** The pre-built handler. */
export function handlerCode(scope: IConstruct): lambda.Code {
  return shippedCode(scope, 'health-monitor');
}
