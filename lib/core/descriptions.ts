/**
 * Descriptions built from construct paths, which may hold characters AWS refuses in them.
 */

const SECURITY_GROUP_DESCRIPTION_MAX = 255;

/**
 * A security group description EC2 accepts: "Up to 255 characters in length. Constraints: a-z,
 * A-Z, 0-9, spaces, and ._-:/()#,@[]+=&;{}!$*" (EC2 API Reference, CreateSecurityGroup,
 * `GroupDescription`). Other characters become `_`; a longer text is cut, keeping its end, which
 * names the construct's part. A text EC2 already accepts comes out unchanged, so no existing group
 * is replaced (a new description replaces the group).
 * https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_CreateSecurityGroup.html
 */
export function securityGroupDescription(text: string): string {
  const clean = text.replace(/[^a-zA-Z0-9 ._\-:/()#,@[\]+=&;{}!$*]/g, '_');
  return clean.length <= SECURITY_GROUP_DESCRIPTION_MAX ? clean : `...${clean.slice(clean.length - SECURITY_GROUP_DESCRIPTION_MAX + 3)}`;
}
