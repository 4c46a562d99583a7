import { App, Duration, Stack, Token } from 'aws-cdk-lib';
import { HaValidationError } from '../../lib/core/errors';
import { Validator, formatSeconds } from '../../lib/core/validation';

describe('Validator', () => {
  test('collects issues and throws them together with the construct path', () => {
    const scope = new Stack(new App(), 'S');
    const v = new Validator();
    v.integer('count', 0, 1, 5);
    v.seconds('wait', Duration.minutes(10), 1, 60);
    v.oneOf('mode', 'fast', ['slow', 'safe']);
    v.matches('name', 'a b', /^\S+$/, 'no spaces');
    v.addAll('nested', [{ prop: 'inner', value: '1', allowed: '2' }]);
    expect(() => v.throwIfAny(scope)).toThrow(new HaValidationError('S', [
      { prop: 'count', value: '0', allowed: 'an integer from 1 to 5' },
      { prop: 'wait', value: '600 s', allowed: 'whole seconds from 1 to 60' },
      { prop: 'mode', value: '"fast"', allowed: 'one of slow, safe' },
      { prop: 'name', value: '"a b"', allowed: 'no spaces' },
      { prop: 'nested.inner', value: '1', allowed: '2' },
    ]));
  });

  test('renders one line per issue after the construct path', () => {
    const error = new HaValidationError('App/Stack/Thing', [{ prop: 'a', value: '1', allowed: '2 to 3' }, { prop: 'b', value: '"x"', allowed: 'y' }]);
    expect(error.message).toBe('Invalid props for App/Stack/Thing:\n  a: got 1; allowed: 2 to 3\n  b: got "x"; allowed: y');
    expect(error.name).toBe('HaValidationError');
    expect(error).toBeInstanceOf(Error);
  });

  test('does not throw when everything is valid or unresolved', () => {
    const v = new Validator();
    v.integer('count', 3, 1, 5);
    v.integer('unset', undefined, 1, 5);
    v.integer('token', Token.asNumber({ Ref: 'P' }), 1, 5);
    v.seconds('token', Duration.seconds(Token.asNumber({ Ref: 'D' })), 1, 5);
    v.oneOf('token', Token.asString({ Ref: 'M' }), ['a']);
    v.matches('token', Token.asString({ Ref: 'N' }), /^x$/, 'x');
    expect(v.issues).toEqual([]);
    expect(() => v.throwIfAny(new Stack(new App(), 'S'))).not.toThrow();
  });

  test('rejects fractional values where whole ones are required', () => {
    const v = new Validator();
    v.integer('count', 2.5, 1, 5);
    v.seconds('wait', Duration.millis(1500), 1, 5);
    expect(v.issues.map((i) => i.value)).toEqual(['2.5', '1.5 s']);
  });

  test('formats durations in seconds', () => {
    expect(formatSeconds(Duration.minutes(2))).toBe('120 s');
  });
});
