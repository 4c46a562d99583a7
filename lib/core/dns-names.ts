/**
 * The rules every DNS name the library writes to Route 53 follows: record names, the monitor's
 * fence record, names inside a private zone.
 *
 * "Each label can be up to 63 bytes long. The total length of a domain name cannot exceed 255
 * bytes, including the dots." Names of hosted zones and records may hold the printable ASCII
 * characters other than space; any other byte is written as a `\ddd` octal escape, which counts as
 * one byte. (Route 53 Developer Guide, DNS domain name format.)
 * https://docs.aws.amazon.com/Route53/latest/DeveloperGuide/DomainNameFormat.html
 */
import { Token } from 'aws-cdk-lib';

/** Bytes in one label. */
export const DNS_LABEL_MAX = 63;
/** Bytes in a whole name, dots included, the final dot not. */
export const DNS_NAME_MAX = 255;

/** What Route 53 takes, as the validator's "allowed" text. */
export const DNS_NAME_ALLOWED = `a domain name of at most ${DNS_NAME_MAX} characters in labels of at most ${DNS_LABEL_MAX}, `
  + 'printable ASCII without spaces (other bytes as \\ddd escapes, internationalized names in Punycode)';

/** The length in bytes of `name` as Route 53 stores it: an escape `\ddd` is one byte, the final dot is left out. */
export function dnsNameLength(name: string): number {
  return name.replace(/\.$/, '').replace(/\\\d{3}/g, 'x').length;
}

/**
 * What is wrong with `name` as a Route 53 name, or undefined when nothing is (or when it holds
 * tokens, only known at deploy time).
 */
export function dnsNameProblem(name: string): string | undefined {
  if (Token.isUnresolved(name)) return undefined;
  const bare = name.replace(/\.$/, '');
  const refused = bare.match(/[^!-~]/);
  if (refused) return `${JSON.stringify(name)}, with the character ${JSON.stringify(refused[0])}`;
  if (bare === '') return '""';
  const labels = bare.split('.');
  const empty = labels.findIndex((l) => l === '');
  if (empty >= 0) return `${JSON.stringify(name)}, with an empty label`;
  const long = labels.find((l) => dnsNameLength(l) > DNS_LABEL_MAX);
  if (long !== undefined) return `${JSON.stringify(name)}, with a label of ${dnsNameLength(long)} characters`;
  const length = dnsNameLength(bare);
  return length > DNS_NAME_MAX ? `${JSON.stringify(name)} (${length} characters)` : undefined;
}
