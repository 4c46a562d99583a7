/** `LoadBalancerType`: ALB or NLB, the choice the load balancer's and the health checks' rules turn on. */

/**
 * Which Elastic Load Balancing v2 load balancer to create.
 */
export enum LoadBalancerType {
  /**
   * Application Load Balancer: layer 7 (HTTP/HTTPS), path and host routing, cookies, algorithms.
   */
  APPLICATION = 'application',

  /**
   * Network Load Balancer: layer 4 (TCP/TLS/UDP), one target group per listener port, flow-hash
   * distribution with optional source-IP affinity.
   */
  NETWORK = 'network',
}

/** Human name of a load balancer type, for messages. */
export function describeType(type: LoadBalancerType): string {
  return type === LoadBalancerType.APPLICATION ? 'an Application Load Balancer' : 'a Network Load Balancer';
}
