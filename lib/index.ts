/**
 * The library's public API, by folder in the order the layers build on each other (see the
 * README's project layout). Every name is listed: the package test compares them with the jsii
 * assembly.
 */

// core/: what every tier shares.
export { AlarmTopic } from './core/alarm-topic';
export type { AlarmTopicProps } from './core/alarm-topic';
export type { AlarmOptions } from './core/alarms';
export type { ConnectionEndpoint } from './core/connection-endpoint';
export type { ValidationIssue } from './core/errors';
export { FailoverTimeBreakdown, FigureKind, MeasuredFailoverTime } from './core/failover-time';
export type { FailoverStep } from './core/failover-time';
export { HealthCheckPreset, HealthCheckProfile, HealthCheckProtocol } from './core/health-check-profile';
export type { HealthCheckProfileProps, HealthCheckTimingOptions, HttpHealthCheckOptions } from './core/health-check-profile';
export { LoadBalancerType } from './core/load-balancer-type';
export { TtlPolicy } from './core/ttl-policy';

// load-balancing/: the load balancer and its target groups.
export type { AccessLogSettings } from './load-balancing/access-logs';
export { LoadBalancingAlgorithm, Stickiness, StickinessType } from './load-balancing/algorithms';
export { HaLoadBalancer } from './load-balancing/ha-load-balancer';
export type { HaLoadBalancerAlarmOptions, HaLoadBalancerOptions, HaLoadBalancerProps } from './load-balancing/props';
export type { FixedResponse, RoutingRule, WeightedTargetGroup } from './load-balancing/routing';
export type { HaTargetGroupOptions } from './load-balancing/target-group';
export type { ZonalAutoshiftOptions } from './load-balancing/zonal-shift';

// dns/: failover by name.
export { DnsFailover } from './dns/dns-failover';
export type { DnsFailoverOptions, DnsFailoverProps } from './dns/dns-failover-props';
export { DnsHealthCheck, DnsHealthCheckType } from './dns/dns-health-check';
export type { AlarmHealthCheckOptions, CalculatedHealthCheckOptions, EndpointHealthCheckOptions } from './dns/dns-health-check';
export { FailoverTarget, FailoverTargetKind } from './dns/failover-target';
export type { LoadBalancerTargetOptions } from './dns/failover-target';
export { EndpointKind, Route53HealthCheckPricing } from './dns/pricing';
export type { HealthCheckCost } from './dns/pricing';

// vip/: failover by a virtual IP (Global Accelerator).
export { VipEndpoint } from './vip/vip-endpoint';
export type { VipEndpointOptions } from './vip/vip-endpoint';
export { VipFailover } from './vip/vip-failover';
export type { VipFailoverOptions, VipFailoverProps, VipHealthCheckOptions } from './vip/vip-failover';

// replication/: data replicated across zones.
export { InternalDnsNames } from './replication/internal-dns';
export type { InternalDnsNamesProps, InternalDnsOptions, ReaderTarget } from './replication/internal-dns';
export { CacheAuthentication, CacheAuthenticationType, CacheEngine, GlobalDatastore } from './replication/cache-props';
export type {
  GlobalDatastorePrimaryOptions, IGlobalDatastorePrimary, ReplicatedCacheAlarmOptions, ReplicatedCacheOptions, ReplicatedCacheProps,
} from './replication/cache-props';
export { ReplicatedCache } from './replication/replicated-cache';
export { DatabaseAvailability, DatabaseEngine, DatabaseKind, GlobalDatabase, GlobalDatabaseRole } from './replication/database-props';
export type {
  DatabaseDataLoss, GlobalDatabasePrimaryOptions, GlobalDatabaseSecondaryOptions, IGlobalDatabasePrimary, ReplicatedDatabaseAlarmOptions, ReplicatedDatabaseOptions, ReplicatedDatabaseProps,
} from './replication/database-props';
export { ReplicatedDatabase } from './replication/replicated-database';

// discovery/: a service registry (Cloud Map).
export { NamespaceKind, RegistryHealthCheck, RegistryHealthCheckType, ServiceRegistry } from './discovery/service-registry';
export type { RegistryServiceOptions, Route53RegistryHealthCheckOptions, ServiceRegistryProps } from './discovery/service-registry';

// flags/: feature flags (AppConfig).
export { FeatureFlags, FlagRollout } from './flags/feature-flags';
export type { FeatureFlag, FeatureFlagsProps, GradualRolloutOptions } from './flags/feature-flags';

// monitoring/: the leader-elected health monitor.
export { LeaderHealthMonitor } from './monitoring/leader-health-monitor';
export type {
  CircuitBreakerOptions, LeaderHealthMonitorOptions, LeaderHealthMonitorProps, MonitorLeaseOptions, MonitoredEndpoint, MonitoredTargetGroup, RegistryMembership,
} from './monitoring/props';

// patterns/: the tiers composed.
export { HighlyAvailableService } from './patterns/highly-available-service';
export type { HighlyAvailableServiceProps } from './patterns/highly-available-service';
export { FailureFailoverTime, ServiceFailoverTimes, ServiceFailure } from './patterns/failure-times';
export type { ClientDelays } from './patterns/failure-times';
export { ZoneCapacity } from './patterns/zone-capacity';

// regions/: the switch between two regions (ARC Region switch).
export { PlanApproval, PlanApprovalType, PlanTrigger } from './regions/plan-props';
export type { RegionSwitchPlanProps, RegionSwitchStepTimeouts } from './regions/plan-props';
export { RegionSwitchPlan } from './regions/region-switch-plan';
export { RegionSwitchRegion } from './regions/region-switch-region';
export type { RegionSwitchRegionProps } from './regions/region-switch-region';
