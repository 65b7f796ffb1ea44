// The core ("") group, version v1: every kind edgeplane serves under /api/v1.
import type { KindDef } from "../../types";
import { configMapKind } from "./configmap";
import { endpointsKind } from "./endpoints";
import { coreEventKind } from "./event";
import { namespaceKind } from "./namespace";
import { nodeKind } from "./node";
import { podKind } from "./pod";
import { secretKind } from "./secret";
import { serviceKind } from "./service";
import { serviceAccountKind } from "./serviceaccount";

export const coreV1Kinds: KindDef[] = [namespaceKind, podKind, serviceKind, endpointsKind, configMapKind, secretKind, nodeKind, coreEventKind, serviceAccountKind];
