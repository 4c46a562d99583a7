import { checkTemplateAgainstSpec } from './resource-spec';

const targetGroup = (props: Record<string, unknown>) => ({
  Resources: {
    Vpc: { Type: 'AWS::EC2::VPC', Properties: { CidrBlock: '10.0.0.0/16' } },
    Group: { Type: 'AWS::ElasticLoadBalancingV2::TargetGroup', Properties: { VpcId: { Ref: 'Vpc' }, ...props } },
  },
});

describe('resource-specification check', () => {
  test('accepts a valid template, including intrinsics and CloudFormation coercions', () => {
    const problems = checkTemplateAgainstSpec('t', targetGroup({
      Port: '8080',
      Protocol: 'HTTP',
      HealthCheckEnabled: 'true',
      Matcher: { HttpCode: '200-299' },
      TargetGroupAttributes: [{ Key: 'deregistration_delay.timeout_seconds', Value: 30 }],
      Tags: [{ Key: 'team', Value: { 'Fn::Join': ['-', ['a', 'b']] } }],
    }));
    expect(problems).toEqual([]);
  });

  test.each([
    ['an unknown resource type', { Resources: { X: { Type: 'AWS::EC2::Vpcc', Properties: {} } } }, /unknown resource type AWS::EC2::Vpcc/],
    ['an unknown property', targetGroup({ Porrt: 80 }), /Group \(AWS::ElasticLoadBalancingV2::TargetGroup\): unknown property Porrt/],
    ['a missing required property', { Resources: { Sg: { Type: 'AWS::EC2::SecurityGroup', Properties: {} } } }, /missing required property GroupDescription/],
    ['a string where an integer belongs', targetGroup({ Port: 'eighty' }), /Port: expected an integer, got "eighty"/],
    ['a fractional integer', targetGroup({ HealthCheckIntervalSeconds: 5.5 }), /HealthCheckIntervalSeconds: expected an integer/],
    ['an object where a boolean belongs', targetGroup({ HealthCheckEnabled: { yes: 1 } }), /HealthCheckEnabled: expected a boolean/],
    ['a scalar where a list belongs', targetGroup({ TargetGroupAttributes: 'x' }), /TargetGroupAttributes: expected a list/],
    ['an unknown property in a nested type', targetGroup({ Matcher: { HttpCodes: '200' } }), /Matcher \(Matcher\): unknown property HttpCodes/],
    ['a Ref to nothing', { Resources: { G: { Type: 'AWS::ElasticLoadBalancingV2::TargetGroup', Properties: { VpcId: { Ref: 'Nope' } } } } }, /Ref to undefined Nope/],
    ['a GetAtt of a missing attribute', { Resources: { V: { Type: 'AWS::EC2::VPC', Properties: {} }, G: { Type: 'AWS::ElasticLoadBalancingV2::TargetGroup', Properties: { VpcId: { 'Fn::GetAtt': ['V', 'DnsName'] } } } } }, /AWS::EC2::VPC has no attribute DnsName/],
  ])('rejects %s', (_name, template, message) => {
    const problems = checkTemplateAgainstSpec('t', template as never);
    expect(problems.join('\n')).toMatch(message);
  });

  test('rejects a value outside the allowed values the specification lists', () => {
    const problems = checkTemplateAgainstSpec('t', {
      Resources: { Strategy: { Type: 'AWS::AppConfig::DeploymentStrategy', Properties: { Name: 'n', DeploymentDurationInMinutes: 1, GrowthFactor: 10, ReplicateTo: 'EVERYWHERE' } } },
    } as never);
    expect(problems.join('\n')).toMatch(/ReplicateTo: expected one of NONE, SSM_DOCUMENT, got "EVERYWHERE"/);
  });
});

describe('documented name and description limits', () => {
  const one = (Type: string, Properties: Record<string, unknown>) => ({ Resources: { R: { Type, Properties } } });

  test.each([
    ['a security group description with a character EC2 refuses', one('AWS::EC2::SecurityGroup', { GroupDescription: 'a "b"' }), /GroupDescription: the character "\\""/],
    ['a rule description past 255 characters', one('AWS::EC2::SecurityGroup', { GroupDescription: 'g', SecurityGroupIngress: [{ IpProtocol: 'tcp', Description: 'x'.repeat(256) }] }), /SecurityGroupIngress\[\]\.Description: 256 characters, allowed 0 to 255/],
    ['an alarm description past 1024 characters', one('AWS::CloudWatch::Alarm', { AlarmDescription: 'x'.repeat(1025), ComparisonOperator: 'GreaterThanThreshold', EvaluationPeriods: 1 }), /AlarmDescription: 1025 characters/],
    ['a DNS label past 63 characters', one('AWS::Route53::RecordSet', { Name: `${'a'.repeat(64)}.example.com.`, Type: 'A' }), /Name: a label of 64 characters/],
    ['a DNS name past 255 characters', one('AWS::Route53::RecordSet', { Name: `${'a.'.repeat(128)}com`, Type: 'A' }), /Name: 259 characters/],
    ['a DB identifier ending in a hyphen', one('AWS::RDS::DBCluster', { Engine: 'aurora-postgresql', DBClusterIdentifier: 'orders-' }), /DBClusterIdentifier: "orders-" does not match/],
    ['a DB identifier starting with a digit', one('AWS::RDS::DBInstance', { DBInstanceIdentifier: '1orders' }), /DBInstanceIdentifier: "1orders" does not match/],
    ['an IAM role description with a character IAM refuses', one('AWS::IAM::Role', { AssumeRolePolicyDocument: {}, Description: 'role ✓' }), /Description: the character "✓"/],
  ])('rejects %s', (_name, template, message) => {
    expect(checkTemplateAgainstSpec('t', template as never).join('\n')).toMatch(message);
  });

  test('accepts names and descriptions exactly at their limits', () => {
    const label = 'a'.repeat(63);
    const name = `${label}.${label}.${label}.${'b'.repeat(63)}.`;
    expect(name.length - 1).toBe(255);
    expect(checkTemplateAgainstSpec('t', {
      Resources: {
        Sg: { Type: 'AWS::EC2::SecurityGroup', Properties: { GroupDescription: `${'x'.repeat(240)} ._-:/()#,@[]+=&;{}!$*`.slice(0, 255) } },
        Record: { Type: 'AWS::Route53::RecordSet', Properties: { Name: name, Type: 'A' } },
        Alarm: { Type: 'AWS::CloudWatch::Alarm', Properties: { AlarmName: 'n'.repeat(255), AlarmDescription: 'd'.repeat(1024), ComparisonOperator: 'GreaterThanThreshold', EvaluationPeriods: 1 } },
      },
    } as never)).toEqual([]);
  });
});
