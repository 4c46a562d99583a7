import { propertyReplacement, ReplacementBehaviour } from './resource-spec';

type Resources = Record<string, { Type: string; Properties?: Record<string, unknown> }>;

const ORDER: ReplacementBehaviour[] = ['no', 'maybe', 'yes'];
const worst = (a: ReplacementBehaviour, b: ReplacementBehaviour) => (ORDER.indexOf(a) >= ORDER.indexOf(b) ? a : b);

/** Whether `value` holds a `{{resolve:...}}` dynamic reference into one of `ids`: its value changes with theirs. */
function resolvesFrom(value: unknown, ids: Set<string>): boolean {
  const text = JSON.stringify(value ?? null);
  return text.includes('{{resolve:') && references(value, ids);
}

function references(value: unknown, ids: Set<string>): boolean {
  if (value === null || typeof value !== 'object') return false;
  if (Array.isArray(value)) return value.some((v) => references(v, ids));
  const obj = value as Record<string, unknown>;
  if (typeof obj.Ref === 'string' && ids.has(obj.Ref)) return true;
  const getAtt = obj['Fn::GetAtt'];
  if (Array.isArray(getAtt) && ids.has(getAtt[0] as string)) return true;
  return Object.values(obj).some((v) => references(v, ids));
}

/**
 * What deploying `after` over `before` does to resource `logicalId`: the properties that change
 * and the worst replacement behaviour among them, per the CloudFormation specification. A
 * property changes too, though its text does not, when it points at a resource being replaced,
 * or resolves (`{{resolve:...}}`) a value from a resource that changes.
 */
export function updateBehaviour(before: { Resources: Resources }, after: { Resources: Resources }, logicalId: string): { behaviour: ReplacementBehaviour; changes: string[] } {
  const replaced = new Set<string>();
  const textChanged = (id: string) => JSON.stringify(before.Resources[id]?.Properties ?? {}) !== JSON.stringify(after.Resources[id]?.Properties ?? {});
  const changed = new Set(Object.keys(after.Resources).filter((id) => before.Resources[id] && textChanged(id)));
  const changesOf = (id: string) => {
    const a = before.Resources[id]?.Properties ?? {};
    const b = after.Resources[id]?.Properties ?? {};
    const type = after.Resources[id].Type;
    return [...new Set([...Object.keys(a), ...Object.keys(b)])]
      .filter((p) => JSON.stringify(a[p]) !== JSON.stringify(b[p]) || references(b[p], replaced) || resolvesFrom(b[p], changed))
      .map((p) => ({ property: p, behaviour: propertyReplacement(type, p) }));
  };
  // Replacements propagate through references until nothing new is replaced.
  for (let grew = true; grew;) {
    grew = false;
    for (const id of Object.keys(after.Resources)) {
      if (!before.Resources[id] || replaced.has(id)) continue;
      if (changesOf(id).some((c) => c.behaviour === 'yes')) {
        replaced.add(id);
        grew = true;
      }
    }
  }
  const changes = changesOf(logicalId);
  return {
    behaviour: changes.reduce<ReplacementBehaviour>((w, c) => worst(w, c.behaviour), 'no'),
    changes: changes.map((c) => `${c.property} (${c.behaviour})`),
  };
}
