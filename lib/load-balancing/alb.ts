/** What only an Application Load Balancer has: its checks, and its listeners with their routes. */
import { Token } from 'aws-cdk-lib';
import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import { arnParts } from '../core/addresses';
import { Validator } from '../core/validation';
import { DEFAULT_SSL_POLICY, HaLoadBalancerProps } from './props';
import { DEFAULT_FIXED_RESPONSE, fixedResponseAction, ruleAction, ruleConditions, validateFixedResponse, validateRoutes } from './routing';

/** Checks the props only an Application Load Balancer reads; `names` are the target groups'. */
export function validateApplicationProps(v: Validator, props: HaLoadBalancerProps, names: string[], hasCerts: boolean, region: string): void {
  validateWebAcl(v, props.webAclArn, region);
  const routes = props.routes ?? [];
  validateRoutes(v, routes, names);
  if (props.defaultTargetGroup !== undefined && !names.includes(props.defaultTargetGroup)) {
    v.add('defaultTargetGroup', JSON.stringify(props.defaultTargetGroup), `the name of a target group: ${names.join(', ')}`);
  }
  if (props.defaultTargetGroup !== undefined && props.defaultResponse !== undefined) {
    v.add('defaultResponse', 'set together with defaultTargetGroup', 'one default: defaultTargetGroup or defaultResponse');
  }
  if (props.defaultResponse !== undefined) validateFixedResponse(v, 'defaultResponse', props.defaultResponse);
  if (props.crossZoneEnabled === false) {
    v.add('crossZoneEnabled', 'false', 'true or unset on an Application Load Balancer (always cross-zone); set targetGroups[i].crossZoneEnabled instead');
  }
  v.integer('listenerPort', props.listenerPort, 1, 65535);
  if (props.internetFacing && !hasCerts && props.allowPlaintext !== true) {
    v.add('certificates', 'none on an internet-facing Application Load Balancer', 'certificates, to serve HTTPS; or allowPlaintext: true, to serve plain HTTP to the internet on purpose');
  }
  if (props.allowPlaintext === true && hasCerts) v.add('allowPlaintext', 'true with certificates', 'only without certificates: with them the load balancer serves HTTPS');
  if (props.redirectHttpToHttps === true && !hasCerts) {
    v.add('redirectHttpToHttps', 'true without certificates', 'only with certificates (there is no HTTPS listener to redirect to)');
  }
  const redirects = hasCerts && props.redirectHttpToHttps !== false;
  if (redirects && props.listenerPort === 80) {
    v.add('listenerPort', '80 with the HTTP-to-HTTPS redirect', 'a port other than 80, or redirectHttpToHttps: false');
  }

  const routed = new Set<string>(props.defaultTargetGroup ? [props.defaultTargetGroup] : []);
  for (const r of routes) {
    if (r.targetGroup) routed.add(r.targetGroup);
    for (const w of r.weightedTargetGroups ?? []) routed.add(w.targetGroup);
  }
  names.forEach((name, i) => {
    if (!routed.has(name)) {
      v.add(`targetGroups[${i}]`, `${JSON.stringify(name)}, which nothing routes to`, 'a group named by defaultTargetGroup or by a route');
    }
  });
}

/** The main listener (HTTPS with certificates, HTTP without) with its routes, and the HTTP-to-HTTPS redirect. */
export function createApplicationListeners(alb: elbv2.ApplicationLoadBalancer, props: HaLoadBalancerProps, port: number, group: (name: string) => elbv2.ApplicationTargetGroup) {
  const hasCerts = (props.certificates?.length ?? 0) > 0;
  const defaultAction = props.defaultTargetGroup !== undefined
    ? elbv2.ListenerAction.forward([group(props.defaultTargetGroup)])
    : fixedResponseAction(props.defaultResponse ?? DEFAULT_FIXED_RESPONSE);
  const listener = alb.addListener('Listener', {
    port,
    protocol: hasCerts ? elbv2.ApplicationProtocol.HTTPS : elbv2.ApplicationProtocol.HTTP,
    certificates: hasCerts ? props.certificates : undefined,
    sslPolicy: hasCerts ? props.sslPolicy ?? DEFAULT_SSL_POLICY : undefined,
    open: false,
    defaultAction,
  });
  for (const rule of props.routes ?? []) {
    listener.addAction(`Route${rule.priority}`, {
      priority: rule.priority,
      conditions: ruleConditions(rule),
      action: ruleAction(rule, group),
    });
  }
  let redirect: elbv2.ApplicationListener | undefined;
  if (hasCerts && props.redirectHttpToHttps !== false) {
    redirect = alb.addListener('HttpRedirect', {
      port: 80,
      protocol: elbv2.ApplicationProtocol.HTTP,
      open: false,
      defaultAction: elbv2.ListenerAction.redirect({ protocol: 'HTTPS', port: String(port), permanent: true }),
    });
  }
  return { listener, redirect };
}

/**
 * A web ACL for a load balancer is a regional one of the load balancer's region: a CloudFront
 * (global) web ACL, or one of another region, cannot be associated with it.
 * https://docs.aws.amazon.com/waf/latest/developerguide/web-acl-associating-aws-resource.html
 * https://docs.aws.amazon.com/waf/latest/APIReference/API_AssociateWebACL.html
 */
function validateWebAcl(v: Validator, webAclArn: string | undefined, region: string): void {
  if (webAclArn === undefined || Token.isUnresolved(webAclArn)) return;
  const arn = arnParts(webAclArn);
  if (arn === undefined || arn.service !== 'wafv2' || !/^regional\/webacl\/[^/]+\/[^/]+$/.test(arn.resource)) {
    v.add('webAclArn', JSON.stringify(webAclArn), 'the ARN of a regional AWS WAF web ACL (arn:<partition>:wafv2:<region>:<account>:regional/webacl/<name>/<id>): a CloudFront (global) web ACL cannot protect a load balancer');
  } else if (!Token.isUnresolved(region) && arn.region !== region) {
    v.add('webAclArn', `a web ACL in ${arn.region} for a load balancer in ${region}`, 'a web ACL of the load balancer\'s own region');
  }
}
