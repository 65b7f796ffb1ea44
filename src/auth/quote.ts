// Go's %q of a []string, which Kubernetes' RBAC messages print lists with: ["a" "b"].
import { quote } from "../api/status";

export function goQuoteList(items: readonly string[]): string {
  return `[${items.map(quote).join(" ")}]`;
}
