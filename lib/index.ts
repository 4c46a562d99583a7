export * from './core/errors';
export * from './load-balancing/access-logs';
export * from './load-balancing/algorithms';
export * from './load-balancing/ha-load-balancer';
export * from './load-balancing/health-check-profile';
export * from './load-balancing/load-balancer-type';
export * from './load-balancing/routing';
export * from './load-balancing/target-group';
