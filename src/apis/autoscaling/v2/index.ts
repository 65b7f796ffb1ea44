// The autoscaling/v2 kinds.
import type { KindDef } from "../../types";
import { hpaKind } from "./hpa";

export const autoscalingV2Kinds: readonly KindDef[] = [hpaKind];
