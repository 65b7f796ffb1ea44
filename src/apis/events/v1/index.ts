// The events.k8s.io/v1 kinds.
import type { KindDef } from "../../types";
import { eventKind } from "./event";

export const eventsV1Kinds: readonly KindDef[] = [eventKind];
