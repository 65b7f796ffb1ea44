// Validation of resource lists and container resource requirements (ValidateResourceRequirements).
import { duplicate, invalid, invalidEach, notSupported, required } from "../../fielderrors";
import { NEGATIVE_ERROR, isQualifiedName } from "../../formats";
import { QUANTITY_FORMAT_ERROR, parseQuantity } from "../../quantity";
import type { FieldCause } from "../../types";
import type { Container } from "./container";

const STANDARD_CONTAINER_RESOURCES = ["cpu", "memory", "ephemeral-storage"];

function isHugePages(name: string): boolean {
  return name.startsWith("hugepages-");
}

/** Names without a domain, or in kubernetes.io, are Kubernetes' own; anything else is an extended resource. */
function isNative(name: string): boolean {
  return !name.includes("/") || name.includes("kubernetes.io/");
}

/** Requests may be below limits only for cpu, memory and ephemeral storage. */
function isOvercommitAllowed(name: string): boolean {
  return isNative(name) && !isHugePages(name);
}

function validateContainerResourceName(name: string, path: string): FieldCause[] {
  const causes = invalidEach(path, name, isQualifiedName(name));
  if (causes.length) return causes;
  if (isNative(name) && !STANDARD_CONTAINER_RESOURCES.includes(name) && !isHugePages(name)) {
    causes.push(invalid(path, name, "must be a standard resource for containers"));
  }
  return causes;
}

/** A quantity for a named resource: well-formed, non-negative, whole for extended resources. */
function validateResourceQuantity(name: string, q: string | number, path: string): FieldCause[] {
  const value = parseQuantity(q);
  if (value === undefined) return [invalid(path, q, QUANTITY_FORMAT_ERROR)];
  if (value < 0) return [invalid(path, q, NEGATIVE_ERROR)];
  if (!isNative(name) && !Number.isInteger(value)) return [invalid(path, q, "must be an integer")];
  return [];
}

/** A ResourceList outside containers (overhead, node capacity): names and quantities. */
export function validateResourceList(list: Record<string, string | number> | undefined, path: string): FieldCause[] {
  return Object.entries(list ?? {}).flatMap(([name, q]) => [...invalidEach(`${path}[${name}]`, name, isQualifiedName(name)), ...validateResourceQuantity(name, q, `${path}[${name}]`)]);
}

export function validateResourceRequirements(res: Container["resources"], podClaimNames: readonly string[], path: string): FieldCause[] {
  if (!res) return [];
  const limits = res.limits ?? {};
  const causes = Object.entries(limits).flatMap(([name, q]) => [
    ...validateContainerResourceName(name, `${path}.limits[${name}]`),
    ...validateResourceQuantity(name, q, `${path}.limits[${name}]`),
  ]);
  for (const [name, q] of Object.entries(res.requests ?? {})) {
    causes.push(...validateContainerResourceName(name, `${path}.requests[${name}]`), ...validateResourceQuantity(name, q, `${path}.requests[${name}]`));
    const limit = limits[name];
    if (limit === undefined) {
      if (!isOvercommitAllowed(name)) causes.push(required(`${path}.limits`, "Limit must be set for non overcommitable resources"));
      continue;
    }
    const [request, max] = [parseQuantity(q), parseQuantity(limit)];
    if (request === undefined || max === undefined) continue;
    if (request !== max && !isOvercommitAllowed(name)) causes.push(invalid(`${path}.requests`, String(q), `must be equal to ${name} limit of ${limit}`));
    else if (request > max) causes.push(invalid(`${path}.requests`, String(q), `must be less than or equal to ${name} limit of ${limit}`));
  }
  const claims = res.claims ?? [];
  const seen = new Set<string>();
  claims.forEach((claim, i) => {
    const p = `${path}.claims[${i}]`;
    const key = `${claim.name}/${claim.request ?? ""}`;
    if (!claim.name) causes.push(required(`${p}.name`));
    else if (seen.has(key)) causes.push(duplicate(p, claim.name));
    else if (!podClaimNames.includes(claim.name)) causes.push(notSupported(p, claim.name, podClaimNames));
    seen.add(key);
  });
  return causes;
}
