/**
 * Stands in for `@aws-sdk/credential-provider-node` in the bundled functions (see `../build.ts`):
 * Lambda hands a function its role's credentials in the environment, so the SDK's default chain
 * is cut down to that one link.
 */
import { fromEnv } from '@aws-sdk/credential-provider-env';

export const defaultProvider = (): ReturnType<typeof fromEnv> => fromEnv();
