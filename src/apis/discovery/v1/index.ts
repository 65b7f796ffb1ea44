// The discovery.k8s.io/v1 kinds.
import type { KindDef } from "../../types";
import { endpointSliceKind } from "./endpointslice";

export const discoveryV1Kinds: readonly KindDef[] = [endpointSliceKind];
