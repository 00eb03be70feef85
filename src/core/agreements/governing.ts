/** Which active agreement governs a partner: one naming it explicitly first, else one covering its group; exclusions respected. */
import type { AgreementInForce } from './agreement.js';

export function selectGoverning(active: readonly AgreementInForce[], partner: { readonly id: string; readonly kind: string }): AgreementInForce | undefined {
  const applies = (a: AgreementInForce) => !a.agreement.parties.exclude.includes(partner.id);
  return (
    active.find((a) => a.agreement.parties.partners.includes(partner.id) && applies(a)) ??
    active.find((a) => (a.agreement.parties.groups as readonly string[]).includes(partner.kind) && applies(a))
  );
}

/** Why `a` may not be active beside `others`: a partner or group already named by another active agreement. */
export function overlaps(a: AgreementInForce['agreement'], others: readonly AgreementInForce['agreement'][]): string[] {
  const problems: string[] = [];
  for (const o of others) {
    if (o.id === a.id) continue;
    for (const p of a.parties.partners) if (o.parties.partners.includes(p)) problems.push(`parties.partners: "${p}" is already governed by active agreement "${o.id}"`);
    for (const g of a.parties.groups) if (o.parties.groups.includes(g)) problems.push(`parties.groups: "${g}" is already governed by active agreement "${o.id}"`);
  }
  return problems;
}
