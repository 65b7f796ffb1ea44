// Label sets and selectors written as kubectl shows them (apimachinery's labels.Set.String and
// metav1.FormatLabelSelector): requirements sorted by key, "k=v", "k in (a,b)", "!k".
import type { LabelSelector } from "../../meta";

/** `labels.FormatLabels`: "a=1,b=2" in key order, "<none>" when empty. */
export function formatLabels(labels: Record<string, string> | undefined): string {
  const text = Object.keys(labels ?? {})
    .sort()
    .map((k) => `${k}=${labels?.[k]}`)
    .join(",");
  return text || "<none>";
}

interface Requirement {
  key: string;
  text: string;
}

function requirementText(key: string, operator: string, values: readonly string[]): string | undefined {
  const list = `(${[...values].sort().join(",")})`;
  switch (operator) {
    case "In":
      return `${key} in ${list}`;
    case "NotIn":
      return `${key} notin ${list}`;
    case "Exists":
      return key;
    case "DoesNotExist":
      return `!${key}`;
    default:
      return undefined;
  }
}

/**
 * `labels.Selector.String()` of a LabelSelector: "" for an absent or empty selector, undefined
 * when an operator is unknown (Kubernetes fails to convert such a selector).
 */
export function selectorString(sel: LabelSelector | undefined): string | undefined {
  const reqs: Requirement[] = Object.entries(sel?.matchLabels ?? {}).map(([key, value]) => ({ key, text: `${key}=${value}` }));
  for (const expr of sel?.matchExpressions ?? []) {
    const text = requirementText(expr.key, expr.operator, expr.values ?? []);
    if (text === undefined) return undefined;
    reqs.push({ key: expr.key, text });
  }
  return reqs
    .sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0))
    .map((r) => r.text)
    .join(",");
}

/** `metav1.FormatLabelSelector`: like selectorString but "<none>" when empty and "<error>" when invalid. */
export function formatLabelSelector(sel: LabelSelector | undefined): string {
  const text = selectorString(sel);
  if (text === undefined) return "<error>";
  return text || "<none>";
}
