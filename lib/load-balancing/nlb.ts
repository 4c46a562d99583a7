/** What only a Network Load Balancer has: a listener per target group, each checked apart. */
import { Token } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import { LoadBalancerType } from '../core/load-balancer-type';
import { Validator } from '../core/validation';
import { DEFAULT_SSL_POLICY, HaLoadBalancerProps } from './props';
import { targetGroupProtocol } from './target-group';

/** Checks each group's listener: its port used once, TLS only with certificates. */
export function validateNetworkListeners(v: Validator, props: HaLoadBalancerProps, hasCerts: boolean): void {
  const ports = new Map<number, number>();
  props.targetGroups.forEach((g, i) => {
    const port = g.listenerPort ?? g.port;
    if (port === undefined) return;
    const earlier = ports.get(port);
    if (earlier !== undefined && !Token.isUnresolved(port)) {
      v.add(`targetGroups[${i}].listenerPort`, String(port), `a listener port not used by targetGroups[${earlier}]`);
    }
    ports.set(port, i);
    if (targetGroupProtocol(g, LoadBalancerType.NETWORK) === elbv2.Protocol.TLS && !hasCerts) {
      v.add(`targetGroups[${i}].protocol`, 'TLS without certificates', 'TLS only with certificates (the TLS listener needs one)');
    }
  });
}

/** Whether the listener of a group terminates TLS: with certificates, for TCP and TLS groups. */
function terminatesTls(props: HaLoadBalancerProps, groupProtocol: elbv2.Protocol): boolean {
  return (props.certificates?.length ?? 0) > 0 && (groupProtocol === elbv2.Protocol.TCP || groupProtocol === elbv2.Protocol.TLS);
}

/** Whether any listener of the Network Load Balancer is a TLS listener. */
export function hasTlsListener(props: HaLoadBalancerProps): boolean {
  return props.targetGroups.some((g) => terminatesTls(props, targetGroupProtocol(g, LoadBalancerType.NETWORK)));
}

/** One listener per target group, on its listener port, open to `clients`. */
export function createNetworkListeners(nlb: elbv2.NetworkLoadBalancer, props: HaLoadBalancerProps, clients: ec2.IPeer[], connections: ec2.Connections, group: (name: string) => elbv2.NetworkTargetGroup): elbv2.NetworkListener[] {
  return props.targetGroups.map((options) => {
    const groupProtocol = targetGroupProtocol(options, LoadBalancerType.NETWORK);
    const tls = terminatesTls(props, groupProtocol);
    const port = options.listenerPort ?? options.port!;
    const listener = nlb.addListener(`${options.name}Listener`, {
      port,
      protocol: tls ? elbv2.Protocol.TLS : groupProtocol,
      certificates: tls ? props.certificates : undefined,
      sslPolicy: tls ? props.sslPolicy ?? DEFAULT_SSL_POLICY : undefined,
      defaultTargetGroups: [group(options.name)],
    });
    for (const peer of clients) {
      for (const p of portsFor(groupProtocol, port)) connections.allowFrom(peer, p, `clients to listener ${port}`);
    }
    return listener;
  });
}

/** The ports a listener or target of `protocol` on `port` takes. */
export function portsFor(protocol: elbv2.Protocol, port: number): ec2.Port[] {
  switch (protocol) {
    case elbv2.Protocol.UDP: return [ec2.Port.udp(port)];
    case elbv2.Protocol.TCP_UDP: return [ec2.Port.tcp(port), ec2.Port.udp(port)];
    default: return [ec2.Port.tcp(port)];
  }
}
