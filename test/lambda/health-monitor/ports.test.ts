import { CircuitOpenError } from '../../../lambda/health-monitor/errors';
import { refusedByService } from '../../../lambda/health-monitor/ports';
import { serviceError, timeoutError } from './world';

/**
 * Which failures say that nothing was done (the call cannot land later, and an alert must be sent
 * again as the only copy) and which leave the outcome unknown. The services' common errors:
 * https://docs.aws.amazon.com/elasticloadbalancing/latest/APIReference/CommonErrors.html
 */
describe('refusedByService', () => {
  test.each<[string, unknown, boolean]>([
    ['400 Throttling', serviceError('Throttling', 400), true],
    ['400 a validation error', serviceError('ValidationError', 400), true],
    ['403 AccessDenied', serviceError('AccessDenied', 403), true],
    ['429 Too Many Requests', serviceError('TooManyRequests', 429), true],
    ['503 ServiceUnavailable', serviceError('ServiceUnavailable', 503), true],
    ['a refused connection: the request never left', Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:443'), { code: 'ECONNREFUSED' }), true],
    ['the circuit breaker refused it here', new CircuitOpenError('sns', 0), true],
    ['a timeout', timeoutError(), false],
    ['a connection reset after the request left', Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' }), false],
    ['500 InternalFailure: an unknown error', serviceError('InternalFailure', 500), false],
    ['502 Bad Gateway', serviceError('BadGateway', 502), false],
    ['504 Gateway Timeout', serviceError('GatewayTimeout', 504), false],
    ['something that is not an error', undefined, false],
  ])('%s: refused %s', (_name, error, refused) => {
    expect(refusedByService(error)).toBe(refused);
  });
});
