// Which resources hold values exclusively, and their allocators under the Worker's configuration.
import type { Allocator } from "../api/allocating";
import { serviceAllocator } from "./allocator";
import { serviceConfig, type ServiceVars } from "./config";

export function allocatorFor(resource: string, vars: ServiceVars): Allocator | undefined {
  return resource === "services" ? serviceAllocator(serviceConfig(vars)) : undefined;
}
