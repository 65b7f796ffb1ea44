// Validation of affinity, tolerations and topology spread constraints.
import { duplicate, forbidden, invalid, invalidEach, notSupported, required } from "../../fielderrors";
import { isDns1123Label, isLabelValue } from "../../formats";
import { validateEnum, validateLabelSelector, validateQualifiedName } from "../../validation";
import type { FieldCause } from "../../types";
import type { Affinity, NodeSelectorTerm, PodAffinityTerm, Toleration, TopologySpreadConstraint } from "./scheduling";

export const TAINT_EFFECTS = ["NoSchedule", "PreferNoSchedule", "NoExecute"];

type Requirement = NonNullable<NodeSelectorTerm["matchExpressions"]>[number];

function validateNodeSelectorRequirement(req: Requirement, path: string): FieldCause[] {
  const values = req.values ?? [];
  const causes: FieldCause[] = [];
  switch (req.operator) {
    case "In":
    case "NotIn":
      if (values.length === 0) causes.push(required(`${path}.values`, "must be specified when `operator` is 'In' or 'NotIn'"));
      break;
    case "Exists":
    case "DoesNotExist":
      if (values.length > 0) causes.push(forbidden(`${path}.values`, "may not be specified when `operator` is 'Exists' or 'DoesNotExist'"));
      break;
    case "Gt":
    case "Lt":
      if (values.length !== 1) causes.push(required(`${path}.values`, "must be specified single value when `operator` is 'Lt' or 'Gt'"));
      break;
    default:
      causes.push(invalid(`${path}.operator`, req.operator, "not a valid selector operator"));
  }
  return [...causes, ...validateQualifiedName(req.key, `${path}.key`)];
}

function validateNodeFieldRequirement(req: Requirement, path: string): FieldCause[] {
  const causes = req.key === "metadata.name" ? [] : [notSupported(`${path}.key`, req.key, ["metadata.name"])];
  if (req.operator !== "In" && req.operator !== "NotIn") causes.push(invalid(`${path}.operator`, req.operator, "not a valid selector operator"));
  else if ((req.values ?? []).length !== 1) causes.push(required(`${path}.values`, "must be only one value when `operator` is 'In' or 'NotIn' for node field selector"));
  return causes;
}

function validateNodeSelectorTerm(term: NodeSelectorTerm, path: string): FieldCause[] {
  return [
    ...(term.matchExpressions ?? []).flatMap((r, i) => validateNodeSelectorRequirement(r, `${path}.matchExpressions[${i}]`)),
    ...(term.matchFields ?? []).flatMap((r, i) => validateNodeFieldRequirement(r, `${path}.matchFields[${i}]`)),
  ];
}

function validateWeight(weight: number, path: string): FieldCause[] {
  return weight < 1 || weight > 100 ? [invalid(path, weight, "must be in the range 1-100")] : [];
}

function validatePodAffinityTerm(term: PodAffinityTerm, path: string): FieldCause[] {
  return [
    ...validateLabelSelector(term.labelSelector, `${path}.labelSelector`),
    ...validateLabelSelector(term.namespaceSelector, `${path}.namespaceSelector`),
    ...(term.namespaces ?? []).flatMap((ns) => invalidEach(`${path}.namespace`, ns, isDns1123Label(ns))),
    ...(term.topologyKey ? validateQualifiedName(term.topologyKey, `${path}.topologyKey`) : [required(`${path}.topologyKey`, "can not be empty")]),
  ];
}

function validatePodAffinity(aff: Affinity["podAffinity"], path: string): FieldCause[] {
  if (!aff) return [];
  return [
    ...(aff.requiredDuringSchedulingIgnoredDuringExecution ?? []).flatMap((t, i) => validatePodAffinityTerm(t, `${path}.requiredDuringSchedulingIgnoredDuringExecution[${i}]`)),
    ...(aff.preferredDuringSchedulingIgnoredDuringExecution ?? []).flatMap((w, i) => {
      const p = `${path}.preferredDuringSchedulingIgnoredDuringExecution[${i}]`;
      return [...validateWeight(w.weight, `${p}.weight`), ...validatePodAffinityTerm(w.podAffinityTerm, `${p}.podAffinityTerm`)];
    }),
  ];
}

export function validateAffinity(affinity: Affinity | undefined, path: string): FieldCause[] {
  if (!affinity) return [];
  const causes: FieldCause[] = [];
  const node = affinity.nodeAffinity;
  const requiredSel = node?.requiredDuringSchedulingIgnoredDuringExecution;
  if (requiredSel) {
    const p = `${path}.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms`;
    const terms = requiredSel.nodeSelectorTerms ?? [];
    if (terms.length === 0) causes.push(required(p, "must have at least one node selector term"));
    terms.forEach((t, i) => causes.push(...validateNodeSelectorTerm(t, `${p}[${i}]`)));
  }
  (node?.preferredDuringSchedulingIgnoredDuringExecution ?? []).forEach((pref, i) => {
    const p = `${path}.nodeAffinity.preferredDuringSchedulingIgnoredDuringExecution[${i}]`;
    causes.push(...validateWeight(pref.weight, `${p}.weight`), ...validateNodeSelectorTerm(pref.preference, `${p}.preference`));
  });
  causes.push(...validatePodAffinity(affinity.podAffinity, `${path}.podAffinity`), ...validatePodAffinity(affinity.podAntiAffinity, `${path}.podAntiAffinity`));
  return causes;
}

export function validateTolerations(tolerations: Toleration[] | undefined, path: string): FieldCause[] {
  return (tolerations ?? []).flatMap((t, i) => {
    const p = `${path}[${i}]`;
    const causes = t.key ? validateQualifiedName(t.key, `${p}.key`) : [];
    if (!t.key && t.operator !== "Exists") {
      causes.push(invalid(`${p}.operator`, t.operator ?? "", 'operator must be Exists when `key` is empty, which means "match all values and all keys"'));
    }
    if (t.tolerationSeconds !== undefined && t.effect !== "NoExecute") {
      causes.push(invalid(`${p}.effect`, t.effect ?? "", "effect must be 'NoExecute' when `tolerationSeconds` is set"));
    }
    if (!t.operator || t.operator === "Equal") {
      const msgs = isLabelValue(t.value ?? "");
      if (msgs.length) causes.push(invalid(`${p}.operator`, t.value, msgs.join(";")));
    } else if (t.operator === "Exists") {
      if (t.value) causes.push(invalid(`${p}.operator`, t, "value must be empty when `operator` is 'Exists'"));
    } else {
      causes.push(notSupported(`${p}.operator`, t.operator, ["Equal", "Exists"]));
    }
    return [...causes, ...validateEnum(t.effect, TAINT_EFFECTS, `${p}.effect`)];
  });
}

const NOT_POSITIVE = "must be greater than zero";

export function validateTopologySpreadConstraints(constraints: TopologySpreadConstraint[] | undefined, path: string): FieldCause[] {
  const list = constraints ?? [];
  return list.flatMap((c, i) => {
    const p = `${path}[${i}]`;
    const causes = c.maxSkew <= 0 ? [invalid(`${p}.maxSkew`, c.maxSkew, NOT_POSITIVE)] : [];
    if (!c.topologyKey) causes.push(required(`${p}.topologyKey`, "can not be empty"));
    causes.push(...validateEnum(c.whenUnsatisfiable, ["DoNotSchedule", "ScheduleAnyway"], `${p}.whenUnsatisfiable`, true));
    if (list.slice(i + 1).some((o) => o.topologyKey === c.topologyKey && o.whenUnsatisfiable === c.whenUnsatisfiable)) {
      causes.push(duplicate(`${p}.{topologyKey, whenUnsatisfiable}`, `{${c.topologyKey}, ${c.whenUnsatisfiable}}`));
    }
    if (c.minDomains !== undefined) {
      if (c.minDomains <= 0) causes.push(invalid(`${p}.minDomains`, c.minDomains, NOT_POSITIVE));
      if (c.whenUnsatisfiable !== "DoNotSchedule") {
        causes.push(invalid(`${p}.minDomains`, c.minDomains, `can only use minDomains if whenUnsatisfiable=DoNotSchedule, not ${c.whenUnsatisfiable}`));
      }
    }
    causes.push(
      ...validateEnum(c.nodeAffinityPolicy, ["Honor", "Ignore"], `${p}.nodeAffinityPolicy`),
      ...validateEnum(c.nodeTaintsPolicy, ["Honor", "Ignore"], `${p}.nodeTaintsPolicy`),
      ...validateLabelSelector(c.labelSelector, `${p}.labelSelector`),
    );
    return causes;
  });
}
