// An authorizer's answer, as Kubernetes' authorizer.Decision with its reason: allow, or no
// opinion (the next authorizer decides; when none allows, the request is forbidden).
export interface Decision {
  allowed: boolean;
  reason: string;
}

export const ALLOW: Decision = { allowed: true, reason: "" };

export function noOpinion(reason = ""): Decision {
  return { allowed: false, reason };
}
