/**
 * A monitor switch in AppConfig's feature flags: a new hosted version of the profile with that one
 * flag changed, created only on top of the version it was read from, then deployed with the
 * strategy the environment was last deployed with (the FeatureFlags construct's own, unless an
 * operator chose another since).
 */
import {
  AppConfigClient, CreateHostedConfigurationVersionCommand, GetDeploymentCommand, GetHostedConfigurationVersionCommand, ListDeploymentsCommand,
  ListHostedConfigurationVersionsCommand, StartDeploymentCommand,
} from '@aws-sdk/client-appconfig';
import { FlagSource } from '../health-monitor/contract';

/** The `AWS.AppConfig.FeatureFlags` document, as far as a switch goes. */
interface FlagsDocument {
  readonly values?: Record<string, { enabled?: boolean } & Record<string, unknown>>;
  readonly [key: string]: unknown;
}

/**
 * Sets `flag` to `enabled` and deploys it. `LatestVersionNumber` makes the new version conditional:
 * AppConfig refuses it when someone created another version since this one was read.
 * https://docs.aws.amazon.com/appconfig/2019-10-09/APIReference/API_CreateHostedConfigurationVersion.html
 * @returns the new version and the deployment's number
 */
export async function setFlag(client: AppConfigClient, source: FlagSource, flag: string, enabled: boolean): Promise<{ version: number; deployment: number }> {
  const ids = { ApplicationId: source.applicationId, ConfigurationProfileId: source.profileId };
  const { Items: items } = await client.send(new ListHostedConfigurationVersionsCommand({ ...ids, MaxResults: 1 }));
  const latest = items?.[0]?.VersionNumber;
  if (latest === undefined) throw new Error(`AppConfig profile ${source.profileId} has no hosted version to change`);
  const current = await client.send(new GetHostedConfigurationVersionCommand({ ...ids, VersionNumber: latest }));
  const document = JSON.parse(new TextDecoder().decode(current.Content ?? new Uint8Array())) as FlagsDocument;
  const values = { ...document.values, [flag]: { ...document.values?.[flag], enabled } };
  const created = await client.send(new CreateHostedConfigurationVersionCommand({
    ...ids,
    Content: new TextEncoder().encode(JSON.stringify({ ...document, values })),
    ContentType: 'application/json',
    LatestVersionNumber: latest,
    Description: `${flag} ${enabled ? 'on' : 'off'}, by npx cdk-ha-kit`,
  }));
  const deployment = await client.send(new StartDeploymentCommand({
    ...ids,
    EnvironmentId: source.environmentId,
    ConfigurationVersion: String(created.VersionNumber),
    DeploymentStrategyId: await lastStrategy(client, source),
    Description: `${flag} ${enabled ? 'on' : 'off'}, by npx cdk-ha-kit`,
  }));
  return { version: created.VersionNumber!, deployment: deployment.DeploymentNumber! };
}

/**
 * The strategy of the environment's latest deployment: the monitor's configuration does not carry
 * the strategy's id, to stay within Lambda's 4 KB for a function's environment.
 */
async function lastStrategy(client: AppConfigClient, source: FlagSource): Promise<string> {
  const { Items: items } = await client.send(new ListDeploymentsCommand({ ApplicationId: source.applicationId, EnvironmentId: source.environmentId, MaxResults: 1 }));
  const last = items?.[0]?.DeploymentNumber;
  if (last === undefined) throw new Error(`AppConfig environment ${source.environmentId} has no deployment to take the strategy from`);
  const deployment = await client.send(new GetDeploymentCommand({ ApplicationId: source.applicationId, EnvironmentId: source.environmentId, DeploymentNumber: last }));
  return deployment.DeploymentStrategyId!;
}
