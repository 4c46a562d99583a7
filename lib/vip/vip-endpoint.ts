/**
 * What an accelerator's endpoint group sends traffic to in one region: an HaLoadBalancer, or a
 * load balancer known by its ARN (another account's, or one made elsewhere).
 */
import { Stack } from 'aws-cdk-lib';
import { LoadBalancerType } from '../core/load-balancer-type';
import { HaLoadBalancer } from '../load-balancing/ha-load-balancer';

/** The weight Global Accelerator gives an endpoint when none is set. */
export const DEFAULT_ENDPOINT_WEIGHT = 128;

/**
 * Settings of one region's endpoint.
 */
export interface VipEndpointOptions {
  /**
   * Share of the region's traffic the accelerator sends to this region, 0 to 100. Global
   * Accelerator ignores the dial while it fails over to this region.
   * @default 100
   */
  readonly trafficDialPercentage?: number;

  /**
   * The endpoint's weight in its group, 0 to 255. A weight of 0 takes it out of the group.
   * @default 128
   */
  readonly weight?: number;

  /**
   * Application Load Balancer: pass the client's IP address to the targets.
   * @default true for an Application Load Balancer
   */
  readonly preserveClientIp?: boolean;
}

/**
 * One region's load balancer behind the accelerator.
 */
export class VipEndpoint {
  /** An HaLoadBalancer; its region is its stack's. */
  public static loadBalancer(loadBalancer: HaLoadBalancer, options: VipEndpointOptions = {}): VipEndpoint {
    return new VipEndpoint(loadBalancer.loadBalancer.loadBalancerArn, Stack.of(loadBalancer).region, loadBalancer.loadBalancerType === LoadBalancerType.APPLICATION, options, loadBalancer);
  }

  /** A load balancer by its ARN, in `region`. */
  public static arn(loadBalancerArn: string, region: string, options: VipEndpointOptions = {}): VipEndpoint {
    return new VipEndpoint(loadBalancerArn, region, /:loadbalancer\/app\//.test(loadBalancerArn), options, undefined);
  }

  private constructor(
    /** The load balancer's ARN. */
    public readonly loadBalancerArn: string,
    /** The region of its endpoint group. */
    public readonly region: string,
    /** Whether it is an Application Load Balancer (which can preserve the client's address). */
    public readonly isApplication: boolean,
    /** Dial, weight and client-address settings. */
    public readonly options: VipEndpointOptions,
    /** The HaLoadBalancer, when it is one. */
    public readonly haLoadBalancer?: HaLoadBalancer,
  ) {}

  /**
   * Whether the endpoint preserves the client's address: an Application Load Balancer does unless
   * told not to; a Network Load Balancer endpoint takes no such setting (undefined).
   */
  public get clientIpPreservation(): boolean | undefined {
    return this.isApplication ? this.options.preserveClientIp ?? true : undefined;
  }
}
