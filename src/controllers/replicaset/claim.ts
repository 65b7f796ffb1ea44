// Adoption and release by controller references, as Kubernetes' ControllerRefManager does
// (pkg/controller/controller_ref_manager.go, ClaimObject): an object belongs to the controller
// its controller reference names; an orphan that matches the selector is adopted; an owned
// object that stopped matching is released. Nothing is adopted or released while the
// controller itself is being deleted, and an object being deleted is never adopted.
import type { KubeObject } from "../../apis/types";
import { controllerOf, controllerRef } from "../podutil";

export interface Claim<T extends KubeObject> {
  /** Objects the controller owns after this pass, adopted ones with their new reference. */
  claimed: T[];
  /** Orphans to adopt: copies carrying the controller reference, to write with `update`. */
  adopted: T[];
  /** Owned objects that no longer match: copies without the reference, to write with `update`. */
  released: T[];
}

/** A copy of `obj` whose ownerReferences carry `owner` as controller (a same-uid reference is replaced). */
export function withControllerRef<T extends KubeObject>(obj: T, owner: KubeObject): T {
  const ref = controllerRef(owner);
  const others = (obj.metadata.ownerReferences ?? []).filter((r) => r.uid !== ref.uid);
  return { ...obj, metadata: { ...obj.metadata, ownerReferences: [...others, ref] } };
}

/** A copy of `obj` without any reference to `ownerUid` (ownerReferences dropped when it empties). */
export function withoutOwnerRef<T extends KubeObject>(obj: T, ownerUid: string): T {
  const refs = (obj.metadata.ownerReferences ?? []).filter((r) => r.uid !== ownerUid);
  const { ownerReferences: _dropped, ...rest } = obj.metadata;
  return { ...obj, metadata: refs.length > 0 ? { ...rest, ownerReferences: refs } : rest };
}

export function claimObjects<T extends KubeObject>(owner: KubeObject, objects: readonly T[], matches: (obj: T) => boolean): Claim<T> {
  const claim: Claim<T> = { claimed: [], adopted: [], released: [] };
  const ownerUid = owner.metadata.uid ?? "";
  const ownerDeleting = Boolean(owner.metadata.deletionTimestamp);
  for (const obj of objects) {
    const ref = controllerOf(obj);
    if (ref) {
      if (ref.uid !== ownerUid) continue;
      if (matches(obj)) claim.claimed.push(obj);
      else if (!ownerDeleting) claim.released.push(withoutOwnerRef(obj, ownerUid));
      continue;
    }
    if (ownerDeleting || !matches(obj) || obj.metadata.deletionTimestamp) continue;
    if ((owner.metadata.namespace ?? "") !== (obj.metadata.namespace ?? "")) continue;
    const adopted = withControllerRef(obj, owner);
    claim.adopted.push(adopted);
    claim.claimed.push(adopted);
  }
  return claim;
}
