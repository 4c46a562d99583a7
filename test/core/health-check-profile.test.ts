import { Duration, Token } from 'aws-cdk-lib';
import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import { HealthCheckPreset, HealthCheckProfile, HealthCheckProtocol, LoadBalancerType } from '../../lib';

const ALB = LoadBalancerType.APPLICATION;
const NLB = LoadBalancerType.NETWORK;

describe('presets', () => {
  test.each([
    // preset, interval, timeout, healthy, unhealthy, detection, recovery
    [HealthCheckPreset.FAST, 5, 2, 2, 2, 12, 10],
    [HealthCheckPreset.STANDARD, 10, 5, 3, 3, 35, 30],
    [HealthCheckPreset.CONSERVATIVE, 30, 10, 5, 3, 100, 150],
  ])('%s: %is interval, %is timeout, rise %i, fall %i -> detection %is, recovery %is',
    (preset, interval, timeout, healthy, unhealthy, detection, recovery) => {
      const profile = HealthCheckProfile.http({ preset });
      expect(profile.interval.toSeconds()).toBe(interval);
      expect(profile.timeout.toSeconds()).toBe(timeout);
      expect(profile.healthyThreshold).toBe(healthy);
      expect(profile.unhealthyThreshold).toBe(unhealthy);
      expect(profile.detectionTime.toSeconds()).toBe(detection);
      expect(profile.recoveryTime.toSeconds()).toBe(recovery);
    });

  test('the STANDARD preset is the default', () => {
    expect(HealthCheckProfile.tcp().preset).toBe(HealthCheckPreset.STANDARD);
    expect(HealthCheckProfile.tcp().detectionTime.toSeconds()).toBe(35);
  });

  test('explicit values override the preset one by one', () => {
    const profile = HealthCheckProfile.https({ preset: HealthCheckPreset.FAST, interval: Duration.seconds(7), unhealthyThreshold: 4 });
    expect(profile.interval.toSeconds()).toBe(7);
    expect(profile.timeout.toSeconds()).toBe(2);
    expect(profile.unhealthyThreshold).toBe(4);
    expect(profile.healthyThreshold).toBe(2);
  });
});

describe('detection and recovery time', () => {
  test.each([
    // interval, timeout, unhealthy, healthy, detection = interval × unhealthy + timeout, recovery = interval × healthy
    [5, 2, 2, 2, 12, 10],
    [30, 5, 2, 5, 65, 150],
    [10, 9, 10, 10, 109, 100],
    [300, 120, 10, 2, 3120, 600],
  ])('interval %is, timeout %is, fall %i, rise %i -> %is to detect, %is to recover',
    (interval, timeout, unhealthyThreshold, healthyThreshold, detection, recovery) => {
      const profile = HealthCheckProfile.http({
        interval: Duration.seconds(interval), timeout: Duration.seconds(timeout), unhealthyThreshold, healthyThreshold,
      });
      expect(profile.detectionTime.toSeconds()).toBe(detection);
      expect(profile.recoveryTime.toSeconds()).toBe(recovery);
    });
});

describe('as an ELB health check', () => {
  test('HTTP renders every setting explicitly', () => {
    const check = HealthCheckProfile.http({ path: '/healthz', successCodes: '200-299', port: 9090, preset: HealthCheckPreset.FAST }).toElbHealthCheck();
    expect(check).toEqual({
      enabled: true,
      protocol: elbv2.Protocol.HTTP,
      path: '/healthz',
      healthyHttpCodes: '200-299',
      port: '9090',
      interval: Duration.seconds(5),
      timeout: Duration.seconds(2),
      healthyThresholdCount: 2,
      unhealthyThresholdCount: 2,
    });
  });

  test('HTTP defaults to path "/" and code 200', () => {
    const profile = HealthCheckProfile.http();
    expect(profile.path).toBe('/');
    expect(profile.successCodes).toBe('200');
  });

  test('TCP has no path, no codes and checks the traffic port', () => {
    const check = HealthCheckProfile.tcp().toElbHealthCheck();
    expect(check.protocol).toBe(elbv2.Protocol.TCP);
    expect(check.path).toBeUndefined();
    expect(check.healthyHttpCodes).toBeUndefined();
    expect(check.port).toBeUndefined();
  });

  test('of() builds any protocol', () => {
    expect(HealthCheckProfile.of({ protocol: HealthCheckProtocol.HTTPS, path: '/x' }).toElbHealthCheck().protocol).toBe(elbv2.Protocol.HTTPS);
  });
});

describe('validation against ELB limits', () => {
  test.each([
    ['fast HTTP on ALB', HealthCheckProfile.http({ preset: HealthCheckPreset.FAST }), ALB],
    ['conservative HTTPS on NLB', HealthCheckProfile.https({ preset: HealthCheckPreset.CONSERVATIVE }), NLB],
    ['TCP on NLB with timeout equal to interval', HealthCheckProfile.tcp({ interval: Duration.seconds(10), timeout: Duration.seconds(10) }), NLB],
    ['the widest ALB values', HealthCheckProfile.http({ interval: Duration.seconds(300), timeout: Duration.seconds(120), healthyThreshold: 10, unhealthyThreshold: 10, successCodes: '200-499', port: 65535 }), ALB],
    ['the narrowest values', HealthCheckProfile.http({ interval: Duration.seconds(5), timeout: Duration.seconds(2), healthyThreshold: 2, unhealthyThreshold: 2, successCodes: '200,202', port: 1 }), ALB],
    ['NLB codes up to 599', HealthCheckProfile.http({ successCodes: '200-599' }), NLB],
  ])('accepts %s', (_name, profile, type) => {
    expect(profile.validateFor(type)).toEqual([]);
  });

  test.each([
    ['interval below 5 s', HealthCheckProfile.http({ interval: Duration.seconds(4), timeout: Duration.seconds(2) }), ALB, 'interval', /^4 s$/, /whole seconds from 5 to 300/],
    ['interval above 300 s', HealthCheckProfile.tcp({ interval: Duration.seconds(301) }), NLB, 'interval', /^301 s$/, /whole seconds from 5 to 300/],
    ['a fractional interval', HealthCheckProfile.http({ interval: Duration.millis(7500) }), ALB, 'interval', /^7.5 s$/, /whole seconds/],
    ['timeout below 2 s', HealthCheckProfile.http({ timeout: Duration.seconds(1) }), ALB, 'timeout', /^1 s$/, /whole seconds from 2 to 120/],
    ['timeout above 120 s', HealthCheckProfile.tcp({ interval: Duration.seconds(300), timeout: Duration.seconds(121) }), NLB, 'timeout', /^121 s$/, /from 2 to 120/],
    ['HTTP timeout equal to the interval', HealthCheckProfile.http({ interval: Duration.seconds(10), timeout: Duration.seconds(10) }), ALB, 'timeout', /10 s with an interval of 10 s/, /below the interval for HTTP checks/],
    ['HTTPS timeout above the interval on NLB', HealthCheckProfile.https({ interval: Duration.seconds(5), timeout: Duration.seconds(6) }), NLB, 'timeout', /6 s with an interval of 5 s/, /below the interval for HTTPS/],
    ['TCP timeout above the interval', HealthCheckProfile.tcp({ interval: Duration.seconds(5), timeout: Duration.seconds(6) }), NLB, 'timeout', /6 s with an interval of 5 s/, /at most the interval for TCP/],
    ['healthy threshold 1', HealthCheckProfile.http({ healthyThreshold: 1 }), ALB, 'healthyThreshold', /^1$/, /integer from 2 to 10/],
    ['healthy threshold 11', HealthCheckProfile.tcp({ healthyThreshold: 11 }), NLB, 'healthyThreshold', /^11$/, /integer from 2 to 10/],
    ['unhealthy threshold 1', HealthCheckProfile.tcp({ unhealthyThreshold: 1 }), NLB, 'unhealthyThreshold', /^1$/, /integer from 2 to 10/],
    ['unhealthy threshold 2.5', HealthCheckProfile.http({ unhealthyThreshold: 2.5 }), ALB, 'unhealthyThreshold', /^2.5$/, /integer from 2 to 10/],
    ['port 0', HealthCheckProfile.http({ port: 0 }), ALB, 'port', /^0$/, /integer from 1 to 65535/],
    ['port 65536', HealthCheckProfile.tcp({ port: 65536 }), NLB, 'port', /^65536$/, /integer from 1 to 65535/],
    ['a TCP check on an ALB', HealthCheckProfile.tcp(), ALB, 'protocol', /^TCP$/, /HTTP or HTTPS on an Application Load Balancer/],
    ['a path on a TCP check', HealthCheckProfile.of({ protocol: HealthCheckProtocol.TCP, path: '/health' }), NLB, 'path', /"\/health"/, /no path on a TCP check/],
    ['codes on a TCP check', HealthCheckProfile.of({ protocol: HealthCheckProtocol.TCP, successCodes: '200' }), NLB, 'successCodes', /"200"/, /no success codes on a TCP check/],
    ['a path without a leading slash', HealthCheckProfile.http({ path: 'health' }), ALB, 'path', /"health"/, /starting with "\/"/],
    ['a path over 1024 characters', HealthCheckProfile.http({ path: '/' + 'a'.repeat(1024) }), ALB, 'path', /"\/a+"/, /at most 1024 characters/],
    ['code 500 on an ALB', HealthCheckProfile.http({ successCodes: '200,500' }), ALB, 'successCodes', /"200,500"/, /codes from 200 to 499 on an Application Load Balancer/],
    ['code 199', HealthCheckProfile.http({ successCodes: '199-204' }), NLB, 'successCodes', /"199-204"/, /codes from 200 to 599 on a Network Load Balancer/],
    ['code 600 on an NLB', HealthCheckProfile.http({ successCodes: '600' }), NLB, 'successCodes', /"600"/, /200 to 599/],
    ['a reversed range', HealthCheckProfile.http({ successCodes: '299-200' }), ALB, 'successCodes', /"299-200"/, /200 to 499/],
    ['codes that are not codes', HealthCheckProfile.http({ successCodes: '2xx' }), ALB, 'successCodes', /"2xx"/, /as "200", "200,204" or "200-299"/],
  ])('rejects %s', (_name, profile, type, prop, value, allowed) => {
    const issues = profile.validateFor(type);
    expect(issues).toEqual([expect.objectContaining({ prop })]);
    expect(issues[0].value).toMatch(value);
    expect(issues[0].allowed).toMatch(allowed);
  });

  test('reports every problem at once', () => {
    const issues = HealthCheckProfile.http({ interval: Duration.seconds(1), healthyThreshold: 0, successCodes: '100' }).validateFor(ALB);
    expect(issues.map((i) => i.prop)).toEqual(['interval', 'timeout', 'healthyThreshold', 'successCodes']);
  });

  test('leaves unresolved tokens to deploy time', () => {
    const profile = HealthCheckProfile.http({
      interval: Duration.seconds(Token.asNumber({ Ref: 'Interval' })),
      healthyThreshold: Token.asNumber({ Ref: 'Rise' }),
      path: Token.asString({ Ref: 'Path' }),
      successCodes: Token.asString({ Ref: 'Codes' }),
      port: Token.asNumber({ Ref: 'Port' }),
    });
    expect(profile.validateFor(ALB)).toEqual([]);
  });
});
