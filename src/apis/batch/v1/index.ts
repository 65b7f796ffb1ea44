// The batch/v1 kinds, in the order Kubernetes lists them in discovery.
import type { KindDef } from "../../types";
import { cronJobKind } from "./cronjob";
import { jobKind } from "./job";

export const batchV1Kinds: readonly KindDef[] = [cronJobKind, jobKind];
