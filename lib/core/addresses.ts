/**
 * Facts about addresses, regions and ARNs of things made elsewhere, shared by the constructs that
 * take them: which addresses no one can route to on the internet, which regions exist, what an
 * ARN says of its own region and resource type.
 */
import { isIP } from 'net';
import { Arn, ArnFormat, Token } from 'aws-cdk-lib';
import { RegionInfo } from 'aws-cdk-lib/region-info';

/**
 * Addresses the internet does not route (so Route 53 does not health-check them and no one can
 * bring them to AWS): RFC 1918 private, RFC 6598 shared, RFC 5735 special-use
 * IPv4 (this network, loopback, link-local, documentation, benchmarking, multicast, reserved) and
 * the IPv6 equivalents (RFC 5156: unspecified, loopback, unique local, link-local, multicast,
 * documentation, IPv4-mapped).
 */
export function isUnroutable(address: string): boolean {
  if (isIP(address) === 4) {
    const [a, b, c] = address.split('.').map(Number);
    return a === 0 || a === 10 || a === 127 || a >= 224 || (a === 100 && b >= 64 && b <= 127) || (a === 169 && b === 254)
      || (a === 172 && b >= 16 && b <= 31) || (a === 192 && b === 168) || (a === 192 && b === 0 && (c === 0 || c === 2))
      || (a === 198 && (b === 18 || b === 19)) || (a === 198 && b === 51 && c === 100) || (a === 203 && b === 0 && c === 113);
  }
  if (isIP(address) === 6) {
    const lower = address.toLowerCase();
    return lower === '::' || lower === '::1' || /^f[cd]/.test(lower) || /^fe[89ab]/.test(lower) || lower.startsWith('ff') || lower.startsWith('2001:db8:') || lower.startsWith('::ffff:');
  }
  return false;
}

/**
 * Whether `region` is a region AWS has, as aws-cdk-lib's region list (RegionInfo) knows them. A
 * region opened after the installed aws-cdk-lib was released is not in it: upgrading aws-cdk-lib
 * brings it.
 */
export function isKnownRegion(region: string): boolean {
  return RegionInfo.regions.some((r) => r.name === region);
}

/** What a resolved ARN says of itself: its service, region and resource; undefined for a token or a string that is no ARN. */
export function arnParts(arn: string): { readonly service: string; readonly region: string; readonly resource: string } | undefined {
  if (Token.isUnresolved(arn) || !/^arn:[^:]+:[^:]+:[^:]*:[^:]*:.+$/.test(arn)) return undefined;
  const parts = Arn.split(arn, ArnFormat.SLASH_RESOURCE_NAME);
  return { service: parts.service, region: parts.region ?? '', resource: `${parts.resource}${parts.resourceName ? `/${parts.resourceName}` : ''}` };
}
